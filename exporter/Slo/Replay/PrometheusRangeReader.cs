using System.Globalization;
using System.Text.Json;

namespace SaasExporter.Slo.Replay;

/// <summary>
/// Range and instant queries against the Prometheus API. A range query is cut into pieces of at most
/// <see cref="MaxPoints"/> points (Prometheus refuses more than 11,000 per series); every failure is a
/// <see cref="ReplayException"/> naming the server and, when Prometheus refused it, the query.
/// </summary>
public sealed class PrometheusRangeReader(HttpClient client, Uri address)
{
    public const int MaxPoints = 10_000;

    public Uri Address => address;

    /// <summary>The expression's value at every instant of the grid, null where it has none.</summary>
    public async Task<double?[]> RangeAsync(string promql, EvaluationGrid grid, CancellationToken cancellationToken)
    {
        var values = new double?[grid.Count];
        var stepMs = (long)grid.Step.TotalMilliseconds;
        var startMs = grid.Start.ToUnixTimeMilliseconds();
        for (var first = 0; first < grid.Count; first += MaxPoints)
        {
            var last = Math.Min(grid.Count, first + MaxPoints) - 1;
            var data = await PostAsync("api/v1/query_range", promql,
            [
                new("start", Seconds(grid.At(first))),
                new("end", Seconds(grid.At(last))),
                new("step", grid.Step.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
            ], cancellationToken);
            var result = data.GetProperty("result");
            if (result.GetArrayLength() > 1)
            {
                throw new ReplayException($"`{promql}` returned {result.GetArrayLength()} series from Prometheus at {address}; replay reads one series per objective, so one product (job) per Prometheus (docs/slo-replay.md)");
            }

            foreach (var series in result.EnumerateArray())
            {
                foreach (var point in series.GetProperty("values").EnumerateArray())
                {
                    var atMs = (long)Math.Round(point[0].GetDouble() * 1000);
                    values[(atMs - startMs) / stepMs] = Number(point[1]);
                }
            }
        }

        return values;
    }

    /// <summary>The expression's single value at <paramref name="at"/>, or null when it has none.</summary>
    public async Task<double?> InstantAsync(string promql, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var data = await PostAsync("api/v1/query", promql, [new("time", Seconds(at))], cancellationToken);
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" when result.GetArrayLength() == 1 => Number(result[0].GetProperty("value")[1]),
            "vector" when result.GetArrayLength() == 0 => null,
            "scalar" => Number(result[1]),
            _ => throw new ReplayException($"`{promql}` returned {result.GetArrayLength()} series from Prometheus at {address}; replay reads one series per objective, so one product (job) per Prometheus (docs/slo-replay.md)"),
        };
    }

    private async Task<JsonElement> PostAsync(string api, string promql, KeyValuePair<string, string>[] parameters, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", promql), .. parameters]);
        string body;
        try
        {
            using var response = await client.PostAsync(new Uri(address, api), content, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ReplayException($"cannot reach Prometheus at {address}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReplayException($"Prometheus at {address} did not answer within {client.Timeout.TotalSeconds:0} s");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.GetProperty("status").GetString() != "success")
            {
                throw new ReplayException($"Prometheus at {address} refused `{promql}`: {root.GetProperty("errorType").GetString()}: {root.GetProperty("error").GetString()}");
            }

            return root.GetProperty("data").Clone();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ReplayException($"{address} did not answer as the Prometheus HTTP API does: {e.Message}");
        }
    }

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture);

    private static double Number(JsonElement value) => value.GetString() switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
