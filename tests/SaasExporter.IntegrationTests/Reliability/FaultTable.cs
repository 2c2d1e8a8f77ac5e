using System.Globalization;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// Prints one row of the reliability table (fault or input | what happened | time to detect | time to recover | data
/// lost | series published wrongly) to the test output, prefixed so that a run's rows can be collected with grep.
/// </summary>
internal static class FaultTable
{
    public const string Prefix = "FAULT-TABLE";

    public static void Row(ITestOutputHelper output, string fault, string happened, TimeSpan? detect, TimeSpan? recover,
        string dataLost, int wrongSeries) =>
        output.WriteLine($"{Prefix} | {fault} | {happened} | {Seconds(detect)} | {Seconds(recover)} | {dataLost} | {wrongSeries} |");

    public static string Seconds(TimeSpan? span) =>
        span is { } s ? s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "n/a";
}
