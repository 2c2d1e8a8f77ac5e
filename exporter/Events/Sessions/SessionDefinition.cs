using SaasExporter.Catalogue;
using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.Events.Sessions;

/// <summary>
/// Sessions: runs of one user's qualifying events in the window with gaps under SessionGap (30 minutes by default).
/// Only events inside the window are considered, so a session that began before it is counted from its first event
/// inside the window. Identical instants of one user cannot change a session, so both sources collapse them.
/// </summary>
internal sealed class SessionDefinition(ExporterOptions options) : IEventDefinition<SessionCounts>
{
    private static readonly MetricFamily SessionsPerUser = new("saas_sessions_per_user",
        "Quantile over active users of their number of sessions in the window (a gap of SessionGap, 30 minutes by default, starts a new session).", "window", "quantile");
    private static readonly MetricFamily SessionDuration = new("saas_session_duration_seconds",
        "Quantile of session duration (last minus first event) over sessions in the window.", "window", "quantile");

    public static CollectorDescriptor Descriptor { get; } = new("sessions", CollectorSchedule.Every(5, 120), EventFamily.Relations,
        [SessionsPerUser, SessionDuration])
    {
        LabelValues = (_, label, o) => label switch
        {
            "window" => CatalogueLabel.Windows(label, "SessionWindow", o.SessionWindow),
            "quantile" => CatalogueLabel.Code(label, Quantiles.MedianAndP90.Select(Quantiles.Label)),
            _ => null,
        },
    };

    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new SessionDefinition(o), d => new SessionSql(d), (d, store) => new SessionIndex(d, store), d => d.Window.Length);

    public ExporterOptions Options { get; } = options;

    public Window Window { get; } = options.SessionWindow;

    public TimeSpan Gap { get; } = options.SessionGap;

    public IReadOnlyList<Sample> Samples(SessionCounts counts) =>
    [
        .. Quantiles.Samples(SessionsPerUser, Quantiles.MedianAndP90, counts.SessionsPerUser, Window.Label),
        .. Quantiles.Samples(SessionDuration, Quantiles.MedianAndP90, counts.Durations, Window.Label),
    ];
}
