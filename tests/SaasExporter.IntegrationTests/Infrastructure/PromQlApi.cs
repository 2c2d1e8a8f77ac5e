using System.Globalization;
using System.Text.Json;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The Prometheus HTTP query API (/api/v1/query, query_range, series) over one client: Prometheus serves it, and so
/// does VictoriaMetrics, so a test asks both the same question the same way.
/// </summary>
public sealed class PromQlApi(HttpClient client)
{
    /// <summary>
    /// Runs an instant query. Returns the <c>data</c> object (<c>resultType</c>, <c>result</c>); throws
    /// <see cref="PrometheusQueryException"/> with the server's own message when the query fails.
    /// </summary>
    public Task<JsonElement> QueryAsync(string promql) => PostAsync("api/v1/query", [new("query", promql)], promql);

    /// <summary>The numeric values of an instant query's result (a vector's samples or a scalar), NaN included.</summary>
    public async Task<IReadOnlyList<double>> ValuesAsync(string promql) => Values(await QueryAsync(promql));

    /// <summary>An instant query's series: each one's labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> VectorAsync(string promql) =>
        [.. (await QueryAsync(promql)).GetProperty("result").EnumerateArray().Select(s => (Labels(s.GetProperty("metric")), Number(s.GetProperty("value"))))];

    /// <summary>Runs a range query: each series' labels and its points in time order.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points)>> RangeAsync(
        string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var data = await PostAsync("api/v1/query_range",
        [
            new("query", promql),
            new("start", start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("end", end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("step", step.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
        ], promql);
        return [.. data.GetProperty("result").EnumerateArray().Select(series => (
            Labels(series.GetProperty("metric")),
            (IReadOnlyList<(DateTimeOffset, double)>)[.. series.GetProperty("values").EnumerateArray()
                .Select(p => (DateTimeOffset.FromUnixTimeMilliseconds((long)(p[0].GetDouble() * 1000)), Number(p)))]))];
    }

    /// <summary>The label sets of every series matching <paramref name="match"/> (/api/v1/series).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> SeriesAsync(string match)
    {
        var data = await PostAsync("api/v1/series", [new("match[]", match)], match);
        return [.. data.EnumerateArray().Select(Labels)];
    }

    public static IReadOnlyList<double> Values(JsonElement data)
    {
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => [.. result.EnumerateArray().Select(s => Number(s.GetProperty("value")))],
            "matrix" => [.. result.EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(Number)],
            "scalar" => [Number(result)],
            _ => [],
        };
    }

    private async Task<JsonElement> PostAsync(string api, KeyValuePair<string, string>[] parameters, string what)
    {
        using var content = new FormUrlEncodedContent(parameters);
        using var response = await client.PostAsync(new Uri(api, UriKind.Relative), content);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var body = document.RootElement;
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new PrometheusQueryException(what, $"{body.GetProperty("errorType").GetString()}: {body.GetProperty("error").GetString()}");
        }

        return body.GetProperty("data").Clone();
    }

    private static IReadOnlyDictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!, StringComparer.Ordinal);

    private static double Number(JsonElement sample) => sample[1].GetString() switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
