using System.ComponentModel;
using SaasExporter.Configuration;
using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>The one duration grammar, as settings, custom collector files, windows and OpenSLO files read it.</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    public void TryParse_PrometheusUnits_GiveTheirLength(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, Durations.Prometheus, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("1M", 30)]
    [InlineData("1Q", 90)]
    [InlineData("1Y", 365)]
    public void TryParse_OpenSloCalendarUnits_AreGoSdkDays(string text, int days)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromDays(days), duration);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("1.5h")]
    [InlineData("1h30m")]
    [InlineData("-1m")]
    [InlineData("5 m")]
    [InlineData("1M")]
    [InlineData("1234567s")]
    [InlineData("")]
    public void TryParse_PrometheusUnits_Rejects(string text) => Assert.False(Durations.TryParse(text, Durations.Prometheus, out _));

    [Theory]
    [InlineData("30s")]
    [InlineData("500ms")]
    [InlineData("999999Y")]
    public void TryParse_OpenSlo_RejectsSecondsAndOverflow(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("00:05:00", 300)]
    [InlineData("1.00:00:00", 86400)]
    public void Settings_TakeTheGrammarAndHoursMinutesSeconds(string text, int seconds)
    {
        DurationSetting.Register();

        Assert.Equal(TimeSpan.FromSeconds(seconds), TypeDescriptor.GetConverter(typeof(TimeSpan)).ConvertFromInvariantString(text));
    }
}
