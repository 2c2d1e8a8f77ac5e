using SaasExporter.Web;

namespace SaasExporter.UnitTests.Web;

public sealed class WebConfigFileTests
{
    private static string Hash(int cost) => $"$2y${cost}${new string('a', 53)}";

    [Fact]
    public void Parse_BcryptCostAboveTheMaximum_IsOneLineNamingTheUser()
    {
        var load = WebConfigFile.Parse("w.yml", $"basic_auth_users:\n  alice: {Hash(15)}\n", "/nonexistent");

        Assert.Null(load.Config);
        Assert.Equal("w.yml:2: basic_auth_users.alice: has bcrypt cost 15, above the maximum 14; make a cheaper hash with htpasswd -nBC 12 \"\" | tr -d ':\\n'",
            Assert.Single(load.Errors));
    }

    [Fact]
    public void Parse_BcryptCostAtTheMaximum_IsAccepted()
    {
        var load = WebConfigFile.Parse("w.yml", $"basic_auth_users:\n  alice: {Hash(WebConfigFile.MaxBcryptCost)}\n", "/nonexistent");

        Assert.Empty(load.Errors);
        Assert.Equal(Hash(14), load.Config!.Users["alice"]);
    }
}
