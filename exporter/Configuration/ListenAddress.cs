using System.Globalization;
using System.Net;

namespace SaasExporter.Configuration;

/// <summary>The host:port the HTTP server binds to; an IP literal (IPv6 in brackets) or a host name.</summary>
public readonly record struct ListenAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out ListenAddress address)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 0 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            if (!IPAddress.TryParse(host[1..^1], out _))
            {
                return false;
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return false;
        }

        address = new ListenAddress(host, port);
        return true;
    }

    public string Url => $"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
