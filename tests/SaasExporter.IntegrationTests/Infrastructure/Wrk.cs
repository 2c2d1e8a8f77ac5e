using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>Runs a bounded wrk load (threads, connections, duration) against one loopback URL and reads its summary.</summary>
public static partial class Wrk
{
    public sealed record Result(long Requests, double RequestsPerSecond, long Non2xx, string SocketErrors, string Latency, string Output);

    /// <summary>The load; <paramref name="headers"/> ("Name: value") go with every request.</summary>
    public static async Task<Result> RunAsync(Uri url, int threads, int connections, TimeSpan duration, IEnumerable<string>? headers = null)
    {
        var start = new ProcessStartInfo("wrk",
            ["-t", $"{threads}", "-c", $"{connections}", "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "10s",
             .. (headers ?? []).SelectMany(h => new[] { "-H", h }), url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("wrk not found: install it with `apt-get install wrk` (tests/run does this)", e);
        }

        using (process)
        {
            var stdout = process!.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = await stdout + await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk exited {process.ExitCode}: {output}");
            }

            return new Result(
                long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(PerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
                Non2xx().Match(output) is { Success: true } non2xx ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                SocketErrors().Match(output) is { Success: true } errors ? errors.Groups[1].Value.Trim() : "",
                LatencyLine().Match(output).Value.Trim(),
                output);
        }
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex PerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: (.*)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Latency .*")]
    private static partial Regex LatencyLine();
}
