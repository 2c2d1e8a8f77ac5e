using Prometheus;
using SaasExporter.Web;

namespace SaasExporter.UnitTests.Web;

[Collection(PasswordCheckCollection.Name)]
public sealed class UnknownUserTests
{
    [Theory]
    [InlineData(new int[0], 10)]
    [InlineData(new[] { 10 }, 10)]
    [InlineData(new[] { 10, 11 }, 11)]
    public void DummyHash_CostsAsMuchAsTheCostliestConfiguredUser(int[] costs, int expected)
    {
        var users = costs.Select((cost, i) => (Name: $"user{i}", Hash: BCrypt.Net.BCrypt.HashPassword("x", cost)))
            .ToDictionary(u => u.Name, u => u.Hash);

        using var authentication = new BasicAuthentication(users, Metrics.NewCustomRegistry(), TimeProvider.System);

        Assert.Equal(expected, authentication.DummyCost);
    }

    [Theory]
    [InlineData("$2y$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01", 10)]
    [InlineData("$2b$31$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01", 31)]
    public void Cost_ReadsTheCostFieldOfTheHash(string hash, int cost) => Assert.Equal(cost, BasicAuthentication.Cost(hash));
}
