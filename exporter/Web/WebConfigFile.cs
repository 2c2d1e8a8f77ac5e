using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using SaasExporter.Files;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Web;

/// <summary>TLS for the HTTP server: a certificate and its private key, both PEM files.</summary>
public sealed record TlsSettings(string CertFile, string KeyFile)
{
    /// <summary>Both PEM files read as configuration files (regular, at most 1 MiB): a FIFO as cert_file cannot hang the start.</summary>
    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPem(Pem(CertFile), Pem(KeyFile));

    private static string Pem(string path) => ConfigurationFile.Read(path, out var text) is { } reason ? throw new IOException(reason) : text;
}

/// <summary>The HTTP surface's security settings; an empty config (no TLS, no users) serves plain, open HTTP.</summary>
public sealed record WebConfig(TlsSettings? Tls, IReadOnlyDictionary<string, string> Users)
{
    public static readonly WebConfig None = new(null, new Dictionary<string, string>());
}

/// <summary>The result of reading a web config file: the settings, or every problem found in it.</summary>
public sealed record WebConfigLoad(WebConfig? Config, IReadOnlyList<string> Errors);

/// <summary>
/// Reads a web configuration file in the shape of Prometheus' exporter-toolkit (<c>--web.config.file</c>):
/// <c>tls_server_config: {cert_file, key_file}</c> and <c>basic_auth_users: {name: bcrypt-hash}</c>. Every problem is
/// one line naming the file, line and key; a hash or a key never appears in a message. Relative certificate paths are
/// resolved from the file's directory, as exporter-toolkit does.
/// </summary>
public static partial class WebConfigFile
{
    /// <summary>The costliest bcrypt hash accepted: one check at cost 14 takes about a second.</summary>
    public const int MaxBcryptCost = 14;

    private static readonly string[] TopKeys = ["tls_server_config", "basic_auth_users"];
    private static readonly string[] TlsKeys = ["cert_file", "key_file"];

    /// <summary>exporter-toolkit settings this exporter does not implement: named, so a user knows they are ignored nowhere.</summary>
    private static readonly string[] UnsupportedToolkitKeys =
        ["http_server_config", "client_auth_type", "client_ca_file", "client_allowed_sans", "min_version", "max_version",
         "cipher_suites", "prefer_server_cipher_suites", "curve_preferences", "cert", "key"];

    public static WebConfigLoad Load(string path)
    {
        return ConfigurationFile.TryReadText(path, "web config file", out var text, out var error)
            ? Parse(path, text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".")
            : new WebConfigLoad(null, [error]);
    }

    public static WebConfigLoad Parse(string path, string text, string baseDirectory)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new WebConfigLoad(null, [$"{path}:{e.Start.Line}: not valid YAML: {FirstLine(e.Message)}"]);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed input (found by ParserFuzzTests).
            return new WebConfigLoad(null, [$"{path}: not valid YAML: {e.Message}"]);
        }

        var errors = new List<string>();
        void Error(YamlNode? node, string key, string message) =>
            errors.Add($"{(node is null ? path : $"{path}:{node.Start.Line}")}:{(key.Length > 0 ? $" {key}:" : "")} {message}");

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new WebConfigLoad(WebConfig.None, []); // exporter-toolkit accepts an empty file: plain HTTP, no auth
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode, "", "the file must be a mapping (tls_server_config, basic_auth_users)");
            return new WebConfigLoad(null, errors);
        }

        CheckKeys(root, TopKeys, "", Error);
        var tls = ReadTls(Child(root, "tls_server_config"), baseDirectory, Error);
        var users = ReadUsers(Child(root, "basic_auth_users"), Error);
        return errors.Count > 0 ? new WebConfigLoad(null, errors) : new WebConfigLoad(new WebConfig(tls, users), []);
    }

    private static TlsSettings? ReadTls(YamlNode? node, string baseDirectory, Action<YamlNode?, string, string> error)
    {
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            error(node, "tls_server_config", "must be a mapping with cert_file and key_file");
            return null;
        }

        CheckKeys(map, TlsKeys, "tls_server_config.", error);
        var cert = Scalar(map, "cert_file");
        var key = Scalar(map, "key_file");
        if (string.IsNullOrWhiteSpace(cert) || string.IsNullOrWhiteSpace(key))
        {
            error(map, "tls_server_config", "both cert_file and key_file are required");
            return null;
        }

        var settings = new TlsSettings(Path.GetFullPath(cert, baseDirectory), Path.GetFullPath(key, baseDirectory));
        try
        {
            using var certificate = settings.LoadCertificate();
            if (certificate.NotAfter.ToUniversalTime() < TimeProvider.System.GetUtcNow().UtcDateTime)
            {
                error(map, "tls_server_config.cert_file", $"'{cert}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var reason = e is ArgumentException { ParamName: { } parameter } ? e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : e.Message;
            error(map, "tls_server_config", $"cannot load the certificate '{cert}' with the key '{key}': {FirstLine(reason)}");
        }

        return settings;
    }

    private static Dictionary<string, string> ReadUsers(YamlNode? node, Action<YamlNode?, string, string> error)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            return users;
        }

        if (node is not YamlMappingNode map)
        {
            error(node, "basic_auth_users", "must be a mapping of user name to bcrypt hash");
            return users;
        }

        foreach (var (nameNode, hashNode) in map.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? "";
            if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal) || name.Any(char.IsControl))
            {
                error(nameNode, "basic_auth_users", "a user name must be non-empty text without ':' or control characters");
                continue;
            }

            if (hashNode is not YamlScalarNode { Value: { } hash } || !BcryptHash().IsMatch(hash))
            {
                // The value is never echoed: a user may have pasted a clear-text password here by mistake.
                error(hashNode, $"basic_auth_users.{name}", "is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 10-31, 60 characters; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')");
                continue;
            }

            var cost = int.Parse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            if (cost > MaxBcryptCost)
            {
                // Every failed login costs one check at this cost: above 14 (about 1 s a check) a handful of bad
                // passwords a second saturates the CPU.
                error(hashNode, $"basic_auth_users.{name}", $"has bcrypt cost {cost}, above the maximum {MaxBcryptCost}; make a cheaper hash with htpasswd -nBC 12 \"\" | tr -d ':\\n'");
                continue;
            }

            users[name] = hash;
        }

        return users;
    }

    private static void CheckKeys(YamlMappingNode map, string[] allowed, string prefix, Action<YamlNode?, string, string> error)
    {
        foreach (var (keyNode, _) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (allowed.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            error(keyNode, $"{prefix}{key}", UnsupportedToolkitKeys.Contains(key, StringComparer.Ordinal)
                ? "is an exporter-toolkit setting this exporter does not support"
                : $"unknown key (expected {string.Join(", ", allowed)})");
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>A modular-crypt bcrypt hash; cost below 10 is refused (exporter-toolkit's own documentation uses 10).</summary>
    [GeneratedRegex(@"^\$2[aby]\$(1[0-9]|2[0-9]|3[01])\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();
}
