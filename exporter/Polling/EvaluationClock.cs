using Microsoft.Extensions.Options;
using SaasExporter.Configuration;

namespace SaasExporter.Polling;

/// <summary>The evaluation instant of a poll: the configured AsOf, else the wall clock.</summary>
public sealed class EvaluationClock(IOptions<ExporterOptions> options, TimeProvider time)
{
    public DateTimeOffset Now => options.Value.AsOf?.ToUniversalTime() ?? time.GetUtcNow();
}
