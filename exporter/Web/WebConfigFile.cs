using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SaasExporter.Files;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Web;

/// <summary>
/// Reads a web configuration file in the shape of Prometheus' exporter-toolkit (<c>--web.config.file</c>):
/// <c>tls_server_config: {cert_file, key_file}</c> and <c>basic_auth_users: {name: bcrypt-hash}</c>. Every problem is
/// one line naming the file, line, column and key, and all of them are reported at once; a hash or a key never appears
/// in a message. Relative certificate paths are resolved from the file's directory, as exporter-toolkit does.
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

    /// <summary>Reads <paramref name="path"/>; <paramref name="clock"/> decides whether the certificate has expired (the host's TimeProvider).</summary>
    public static WebConfigLoad Load(string path, TimeProvider? clock = null)
    {
        return ConfigurationFile.TryReadText(path, "web config file", out var text, out var error)
            ? Parse(path, text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", clock)
            : new WebConfigLoad(null, [error]);
    }

    public static WebConfigLoad Parse(string path, string text, string baseDirectory, TimeProvider? clock = null)
    {
        if (YamlDocuments.Load(path, text, out var syntaxError) is not { } documents)
        {
            return new WebConfigLoad(null, [syntaxError]);
        }

        if (documents.Count == 0 || documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new WebConfigLoad(WebConfig.None, []); // exporter-toolkit accepts an empty file: plain HTTP, no auth
        }

        var errors = new List<string>();
        void Error(YamlNode at, string key, string message) =>
            errors.Add(YamlPosition.OneLine($"{YamlPosition.Of(path, at)}:{(key.Length > 0 ? $" {key}:" : "")} {message}"));

        var root = YamlFields.Of(documents[0].RootNode, "", Error, "the file must be a mapping (tls_server_config, basic_auth_users)");
        if (root is null)
        {
            return new WebConfigLoad(null, errors);
        }

        root.Allow(TopKeys);
        root.RejectUnknown(Unsupported);
        var tls = ReadTls(root, baseDirectory, clock ?? TimeProvider.System);
        var users = ReadUsers(root);
        return errors.Count > 0 ? new WebConfigLoad(null, errors) : new WebConfigLoad(new WebConfig(tls, users), []);
    }

    private static TlsSettings? ReadTls(YamlFields root, string baseDirectory, TimeProvider clock)
    {
        if (root.Node("tls_server_config") is null or YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        var map = root.Map("tls_server_config", notAMapping: "must be a mapping with cert_file and key_file");
        if (map is null)
        {
            return null;
        }

        map.Allow(TlsKeys);
        map.RejectUnknown(Unsupported);
        var cert = map.Scalar("cert_file");
        var key = map.Scalar("key_file");
        if (string.IsNullOrWhiteSpace(cert) || string.IsNullOrWhiteSpace(key))
        {
            map.Report(map.Mapping, map.Path, "both cert_file and key_file are required");
            return null;
        }

        var settings = new TlsSettings(Path.GetFullPath(cert, baseDirectory), Path.GetFullPath(key, baseDirectory));
        try
        {
            using var certificate = settings.LoadCertificate();
            if (certificate.NotAfter.ToUniversalTime() < clock.GetUtcNow().UtcDateTime)
            {
                map.Error("cert_file", $"'{cert}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var reason = e is ArgumentException { ParamName: { } parameter } ? e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : e.Message;
            map.Report(map.Mapping, map.Path, $"cannot load the certificate '{cert}' with the key '{key}': {reason.Split('\n')[0].Trim()}");
        }

        return settings;
    }

    private static Dictionary<string, string> ReadUsers(YamlFields root)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.Node("basic_auth_users") is null or YamlScalarNode { Value: null or "" })
        {
            return users;
        }

        var map = root.Map("basic_auth_users", notAMapping: "must be a mapping of user name to bcrypt hash");
        if (map is null)
        {
            return users;
        }

        foreach (var (nameNode, hashNode) in map.Mapping.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? "";
            if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal) || name.Any(char.IsControl))
            {
                map.Report(nameNode, map.Path, "a user name must be non-empty text without ':' or control characters");
                continue;
            }

            if (hashNode is not YamlScalarNode { Value: { } hash } || !BcryptHash().IsMatch(hash))
            {
                // The value is never echoed: a user may have pasted a clear-text password here by mistake.
                map.Error(hashNode, name, "is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 10-31, 60 characters; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')");
                continue;
            }

            var cost = int.Parse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            if (cost > MaxBcryptCost)
            {
                // Every failed login costs one check at this cost: above 14 (about 1 s a check) a handful of bad
                // passwords a second saturates the CPU.
                map.Error(hashNode, name, $"has bcrypt cost {cost}, above the maximum {MaxBcryptCost}; make a cheaper hash with htpasswd -nBC 12 \"\" | tr -d ':\\n'");
                continue;
            }

            users[name] = hash;
        }

        return users;
    }

    private static string? Unsupported(string key) =>
        UnsupportedToolkitKeys.Contains(key, StringComparer.Ordinal) ? "is an exporter-toolkit setting this exporter does not support" : null;

    /// <summary>A modular-crypt bcrypt hash; cost below 10 is refused (exporter-toolkit's own documentation uses 10).</summary>
    [GeneratedRegex(@"^\$2[aby]\$(1[0-9]|2[0-9]|3[01])\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();
}
