using System.ComponentModel;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Slo;
using SaasExporter.UnitTests.Slo;

namespace SaasExporter.UnitTests.Files;

/// <summary>
/// One duration grammar (<see cref="Durations"/>): a custom collector's <c>interval:</c>, a TimeSpan setting and an
/// OpenSLO <c>timeWindow</c> duration accept and refuse the same texts, with the same length, through the real readers.
/// Only the units differ, by design: OpenSLO has no seconds but has M, Q and Y; settings also take legacy hh:mm:ss.
/// </summary>
public sealed class DurationGrammarTests
{
    [Theory]
    [InlineData("5m", 300)]
    [InlineData("05m", 300)]
    [InlineData("90m", 5400)]
    [InlineData("1h", 3600)]
    [InlineData("36h", 129600)]
    [InlineData("1d", 86400)]
    [InlineData("2w", 1209600)]
    public void SharedUnits_AreAcceptedByAllThree_WithTheSameLength(string text, int seconds)
    {
        var expected = TimeSpan.FromSeconds(seconds);

        var (accepted, length) = CustomInterval(text);
        Assert.True(accepted);
        Assert.Equal(expected <= CustomCollectorFile.MaxInterval ? expected : null, length); // beyond it, the collector bound refuses
        Assert.Equal(expected, Setting(text));
        Assert.Equal(expected, OpenSloPeriod(text));
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("1.5h")]
    [InlineData("1h30m")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5 m")]
    [InlineData("5min")]
    [InlineData("m")]
    [InlineData("1H")]
    [InlineData("1D")]
    [InlineData("1234567m")]
    [InlineData("soon")]
    public void Malformed_IsRefusedByAllThree(string text)
    {
        Assert.False(CustomInterval(text).Accepted);
        Assert.Null(Setting(text));
        Assert.Null(OpenSloPeriod(text));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1500ms", 1.5)]
    public void Seconds_AreForCollectorsAndSettings_NotForOpenSlo(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), CustomInterval(text).Length);
        Assert.Equal(TimeSpan.FromSeconds(seconds), Setting(text));
        Assert.Null(OpenSloPeriod(text));
    }

    [Theory]
    [InlineData("1M", 30)]
    [InlineData("1Q", 90)]
    [InlineData("1Y", 365)]
    public void CalendarUnits_AreForOpenSloOnly(string text, int days)
    {
        Assert.False(CustomInterval(text).Accepted);
        Assert.Null(Setting(text));
        Assert.Equal(TimeSpan.FromDays(days), OpenSloPeriod(text));
    }

    [Fact]
    public void HoursMinutesSeconds_IsKeptForSettingsOnly()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Setting("00:05:00"));
        Assert.False(CustomInterval("00:05:00").Accepted);
        Assert.Null(OpenSloPeriod("00:05:00"));
    }

    [Theory]
    [InlineData("1.00:00:00", 86400)]
    [InlineData("7.00:00:00", 604800)]
    [InlineData("00:00:30", 30)]
    [InlineData("00:00:00.5", 0.5)]
    public void Settings_TakeDaysHoursMinutesSecondsAsWritten(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Setting(text));

    [Theory]
    [InlineData("5")]
    [InlineData("1.02:03")]
    [InlineData("-00:05:00")]
    [InlineData("00:05")]
    [InlineData("1:2:3:4")]
    public void Settings_RefuseWhatOnlyDotNetsOwnParsingWouldTake(string text) =>
        Assert.Null(Setting(text));

    /// <summary>Whether the grammar took the text (a length over the collector bound is another error), and the length when the file is valid.</summary>
    private static (bool Accepted, TimeSpan? Length) CustomInterval(string text)
    {
        var load = CustomCollectorFile.Parse("c.yml", $"collectors:\n  - name: c\n    interval: '{text}'\n    timeout: 1s\n    sql: SELECT 1 AS v\n    metrics: [{{name: m, help: h, value: v}}]\n",
            new Dictionary<string, string>(), []);
        var accepted = !load.Errors.Any(e => e.Contains("is not a duration", StringComparison.Ordinal));
        return (accepted, load.Collectors.Count == 1 ? load.Collectors[0].Interval : null);
    }

    private static TimeSpan? Setting(string text)
    {
        DurationSetting.Register();
        try
        {
            return (TimeSpan?)TypeDescriptor.GetConverter(typeof(TimeSpan)).ConvertFromInvariantString(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static TimeSpan? OpenSloPeriod(string text)
    {
        var diagnostics = new Diagnostics();
        var reader = new OpenSloReader(diagnostics);
        var valid = OpenSloFileErrorsTests.Slo
            .Replace("op: lte-ish", "op: gte", StringComparison.Ordinal)
            .Replace("  budgetMethod: Occurrences\n", "", StringComparison.Ordinal)
            .Replace("duration: 30days", $"duration: '{text}'", StringComparison.Ordinal);
        reader.Add(OpenSloParser.Parse("x.yaml", valid, diagnostics));
        var slos = reader.Read();
        Assert.All(diagnostics.Errors, e => Assert.Contains("spec.timeWindow[0].duration:", e, StringComparison.Ordinal));
        return slos.Count == 1 ? slos[0].Period : null;
    }
}
