using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
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
        Assert.Equal("w.yml:2:10: basic_auth_users.alice: has bcrypt cost 15, above the maximum 14; make a cheaper hash with htpasswd -nBC 12 \"\" | tr -d ':\\n'",
            Assert.Single(load.Errors));
    }

    [Fact]
    public void Parse_BcryptCostAtTheMaximum_IsAccepted()
    {
        var load = WebConfigFile.Parse("w.yml", $"basic_auth_users:\n  alice: {Hash(WebConfigFile.MaxBcryptCost)}\n", "/nonexistent");

        Assert.Empty(load.Errors);
        Assert.Equal(Hash(14), load.Config!.Users["alice"]);
    }

    [Fact]
    public void Parse_FileWithThreeProblems_ReportsAllThree_WithLineAndColumn()
    {
        var load = WebConfigFile.Parse("w.yml", "basic_auth_userz: {}\ntls_server_config:\n  cert_file: cert.pem\nbasic_auth_users:\n  alice: hunter2\n", "/nonexistent");

        Assert.Null(load.Config);
        Assert.Equal(
        [
            "w.yml:1:1: basic_auth_userz: unknown key, did you mean 'basic_auth_users'? (known: tls_server_config, basic_auth_users)",
            "w.yml:3:3: tls_server_config: both cert_file and key_file are required",
            "w.yml:5:10: basic_auth_users.alice: is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 10-31, 60 characters; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')",
        ], load.Errors);
        Assert.DoesNotContain(load.Errors, e => e.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CertificateExpiry_IsJudgedByTheGivenClock()
    {
        var notAfter = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var directory = Directory.CreateTempSubdirectory("saas-exporter-webconfig-");
        try
        {
            WriteCertificate(directory.FullName, notAfter);
            const string Text = "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n";

            var before = WebConfigFile.Parse("w.yml", Text, directory.FullName, new FakeTimeProvider(notAfter.AddDays(-1)));
            var after = WebConfigFile.Parse("w.yml", Text, directory.FullName, new FakeTimeProvider(notAfter.AddDays(1)));

            Assert.Empty(before.Errors);
            Assert.Equal(Path.Combine(directory.FullName, "cert.pem"), before.Config!.Tls!.CertFile);
            Assert.Equal("w.yml:2:14: tls_server_config.cert_file: 'cert.pem' expired on 2031-03-01", Assert.Single(after.Errors));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void WriteCertificate(string directory, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(notAfter.AddYears(-1), notAfter);
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }
}
