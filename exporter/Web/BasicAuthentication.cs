using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;
using Prometheus;

namespace SaasExporter.Web;

/// <summary>
/// HTTP basic authentication against the bcrypt hashes of the web config file, for every path except the probes
/// (/healthz, /readyz), which stay open so container and orchestrator health checks need no credentials and reveal
/// nothing but "ok" or the names of collectors still waiting for their first poll.
/// </summary>
/// <remarks>
/// bcrypt is deliberately slow (tens of milliseconds at cost 10), so a successful verification is remembered, as
/// exporter-toolkit does, but only as an HMAC under a key that lives in this process's memory: neither the password
/// nor anything from which it could be tested offline is kept. An unknown user is checked against a dummy hash so that
/// the answer takes as long as for a known one.
/// </remarks>
public sealed class BasicAuthentication
{
    public const string UnauthorizedMetric = "saas_exporter_http_unauthorized_total";
    private const int CacheLimit = 256;
    private static readonly string[] OpenPaths = ["/healthz", "/readyz"];

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly string _dummyHash = BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), 10);
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly HashSet<string> _verified = new(StringComparer.Ordinal);
    private readonly Lock _verifiedLock = new();
    private readonly Counter _unauthorized;

    public BasicAuthentication(IReadOnlyDictionary<string, string> users, CollectorRegistry registry)
    {
        _users = users;
        _unauthorized = Metrics.WithCustomRegistry(registry).CreateCounter(UnauthorizedMetric,
            "HTTP requests refused with 401 because credentials were missing or wrong.", ["reason"]);
        _unauthorized.WithLabels("missing").IncTo(0);
        _unauthorized.WithLabels("wrong").IncTo(0);
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (OpenPaths.Any(p => context.Request.Path.Equals(p, StringComparison.Ordinal)))
        {
            await next();
            return;
        }

        var credentials = Parse(context.Request.Headers.Authorization.ToString());
        if (credentials is not var (user, password))
        {
            Refuse(context, "missing");
            return;
        }

        if (!await Task.Run(() => Verify(user, password)))
        {
            Refuse(context, "wrong");
            return;
        }

        await next();
    }

    private bool Verify(string user, string password)
    {
        var known = _users.TryGetValue(user, out var hash);
        hash ??= _dummyHash;
        var key = CacheKey(user, hash, password);
        lock (_verifiedLock)
        {
            if (known && _verified.Contains(key))
            {
                return true;
            }
        }

        bool valid;
        try
        {
            valid = BCrypt.Net.BCrypt.Verify(password, hash) && known;
        }
        catch (BCrypt.Net.SaltParseException)
        {
            valid = false;
        }

        if (valid)
        {
            lock (_verifiedLock)
            {
                if (_verified.Count >= CacheLimit)
                {
                    _verified.Clear();
                }

                _verified.Add(key);
            }
        }

        return valid;
    }

    private string CacheKey(string user, string hash, string password)
    {
        var material = Encoding.UTF8.GetBytes($"{user.Length}:{user}{hash}{password}");
        return Convert.ToHexString(HMACSHA256.HashData(_cacheKey, material));
    }

    private void Refuse(HttpContext context, string reason)
    {
        _unauthorized.WithLabels(reason).Inc();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"saas-exporter\", charset=\"UTF-8\"";
    }

    private static (string User, string Password)? Parse(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
