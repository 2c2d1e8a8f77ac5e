namespace SaasExporter.Web;

/// <summary>The HTTP surface's security settings; an empty config (no TLS, no users) serves plain, open HTTP.</summary>
public sealed record WebConfig(TlsSettings? Tls, IReadOnlyDictionary<string, string> Users)
{
    public static readonly WebConfig None = new(null, new Dictionary<string, string>());
}
