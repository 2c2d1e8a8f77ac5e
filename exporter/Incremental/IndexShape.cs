using System.Globalization;
using SaasExporter.Configuration;
using SaasExporter.Events;
using SaasExporter.Events.Resurrection;

namespace SaasExporter.Incremental;

/// <summary>
/// The configuration that decides what the activity index holds, as one string: a snapshot written under another one
/// is outdated. The internal-user rule is not in it: collectors apply it at every poll, the index holds every user.
/// </summary>
internal static class IndexShape
{
    public static string Of(ExporterOptions options, IEnumerable<EventFamily> families) => string.Create(CultureInfo.InvariantCulture,
        $"zone={options.ReportingTimeZone}; platforms={string.Join(',', options.Platforms ?? [])}; features={string.Join(',', options.Features ?? [])}; " +
        $"excluded={string.Join(',', options.ExcludedEvents ?? [])}; detailed={IndexLoader.DetailedHistory(options, families)}; " +
        $"dormancy={ResurrectionDefinition.DormancyWindow.Length}; sessions={options.SessionWindow.Length}; lateness={options.EventMetrics.Lateness}; day words={ActivityIndex.DayWords}");
}
