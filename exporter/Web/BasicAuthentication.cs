using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Net.Http.Headers;
using Prometheus;

namespace SaasExporter.Web;

/// <summary>
/// HTTP basic authentication against the bcrypt hashes of the web config file, for every path except the probes
/// (/healthz, /readyz), which stay open so container and orchestrator health checks need no credentials and reveal
/// nothing but "ok" or the names of collectors still waiting for their first poll.
/// </summary>
/// <remarks>
/// bcrypt is deliberately slow (tens of milliseconds at cost 10), so a successful verification is remembered for
/// <see cref="VerifiedFor"/>, as exporter-toolkit does, but only as an HMAC under a key that lives in this process's
/// memory: neither the password nor anything from which it could be tested offline without that key is kept, and
/// only a request that passed bcrypt can add an entry. Every other request (a wrong password, an unknown user, a
/// scraper's first request) takes one of a few password-check slots (about one per two cores, a short queue
/// behind them); past that it is refused with 429 at once, so a flood of wrong passwords costs a bounded share of
/// the CPU and the probes, which never check a password, and the remembered scrapers keep answering. An unknown user
/// is checked against a dummy hash at the cost of the costliest configured user, so that the answer takes as long as
/// for a known one.
/// </remarks>
public sealed class BasicAuthentication : IDisposable
{
    public const string UnauthorizedMetric = "saas_exporter_http_unauthorized_total";
    public const string ThrottledMetric = "saas_exporter_http_throttled_total";

    /// <summary>How long a successful check is remembered: a scraper pays bcrypt once per this, not once per scrape.</summary>
    public static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(5);

    private const int CacheLimit = 256;
    private const int QueuePerSlot = 4;
    private static readonly string[] OpenPaths = ["/healthz", "/readyz"];

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly string _dummyHash;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, long> _verifiedUntil = new(StringComparer.Ordinal);
    private readonly Lock _verifiedLock = new();
    private readonly ConcurrencyLimiter _checks;
    private readonly TimeProvider _time;
    private readonly Counter _unauthorized;
    private readonly Counter _throttled;

    /// <summary>Checks against <paramref name="users"/>; <paramref name="checkSlots"/> password checks may run at once (unset: half the processors, at least one).</summary>
    public BasicAuthentication(IReadOnlyDictionary<string, string> users, CollectorRegistry registry, TimeProvider time, int? checkSlots = null)
    {
        _users = users;
        _time = time;
        _dummyHash = BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), users.Values.Select(Cost).DefaultIfEmpty(10).Max());
        var slots = checkSlots ?? Math.Max(1, Environment.ProcessorCount / 2);
        _checks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = slots,
            QueueLimit = slots * QueuePerSlot,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var metrics = Metrics.WithCustomRegistry(registry);
        _unauthorized = metrics.CreateCounter(UnauthorizedMetric,
            "HTTP requests refused with 401 because credentials were missing or wrong.", ["reason"]);
        _unauthorized.WithLabels("missing").IncTo(0);
        _unauthorized.WithLabels("wrong").IncTo(0);
        _throttled = metrics.CreateCounter(ThrottledMetric,
            "HTTP requests refused with 429 before their password was checked, because every password-check slot and its queue were taken.");
        _throttled.IncTo(0);
    }

    /// <summary>The bcrypt cost of the dummy hash unknown users are checked against.</summary>
    internal int DummyCost => Cost(_dummyHash);

    /// <summary>The cost field of a modular-crypt bcrypt hash ($2y$12$... is 12); the web config file checked the shape.</summary>
    internal static int Cost(string hash) => int.Parse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);

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

        if (!IsRemembered(user, password))
        {
            using var slot = await _checks.AcquireAsync(1, context.RequestAborted);
            if (!slot.IsAcquired)
            {
                _throttled.Inc();
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            if (!await Task.Run(() => Verify(user, password)))
            {
                Refuse(context, "wrong");
                return;
            }
        }

        await next();
    }

    private bool IsRemembered(string user, string password)
    {
        if (!_users.TryGetValue(user, out var hash))
        {
            return false;
        }

        var key = CacheKey(user, hash, password);
        lock (_verifiedLock)
        {
            return _verifiedUntil.TryGetValue(key, out var until) && _time.GetTimestamp() < until;
        }
    }

    private bool Verify(string user, string password)
    {
        var known = _users.TryGetValue(user, out var hash);
        hash ??= _dummyHash;
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
            Remember(CacheKey(user, hash, password));
        }

        return valid;
    }

    private void Remember(string key)
    {
        var now = _time.GetTimestamp();
        lock (_verifiedLock)
        {
            if (_verifiedUntil.Count >= CacheLimit)
            {
                foreach (var expired in _verifiedUntil.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                {
                    _verifiedUntil.Remove(expired);
                }

                if (_verifiedUntil.Count >= CacheLimit)
                {
                    _verifiedUntil.Clear();
                }
            }

            _verifiedUntil[key] = now + (long)(VerifiedFor.TotalSeconds * _time.TimestampFrequency);
        }
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

    public void Dispose() => _checks.Dispose();
}
