namespace SaasExporter.Incremental;

/// <summary>A poll that needs the activity index found its first load still running; the message says how far it is.</summary>
internal sealed class IndexLoadingException(IndexLoadStatus status) : InvalidOperationException(Describe(status))
{
    private static string Describe(IndexLoadStatus status) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the activity index is loading: {status.Ratio * 100:F0}% ({status.Completed} of {status.Chunks} chunks){(status.Remaining is { } r ? $", about {Math.Ceiling(r.TotalSeconds)} s left" : "")}; the collector serves once it is loaded");
}
