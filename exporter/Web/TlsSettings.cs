using System.Security.Cryptography.X509Certificates;
using SaasExporter.Files;

namespace SaasExporter.Web;

/// <summary>TLS for the HTTP server: a certificate and its private key, both PEM files.</summary>
public sealed record TlsSettings(string CertFile, string KeyFile)
{
    /// <summary>Both PEM files read as configuration files (regular, at most 1 MiB): a FIFO as cert_file cannot hang the start.</summary>
    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPem(Pem(CertFile), Pem(KeyFile));

    private static string Pem(string path) => ConfigurationFile.Read(path, out var text) is { } reason ? throw new IOException(reason) : text;
}
