namespace SaasExporter.Incremental;

/// <summary>What the landing page shows about the activity index: whether it serves, and how far a running load is.</summary>
/// <param name="Serving">An index is loaded and serving.</param>
/// <param name="Loading">A full load (first load or rebuild) is running.</param>
/// <param name="Completed">Chunks of the running or last load already in the index.</param>
/// <param name="Chunks">Chunks of the running or last load.</param>
/// <param name="Remaining">Estimated time left of the running load (elapsed time per chunk of this attempt times the chunks left).</param>
/// <param name="Users">Users held by the serving index.</param>
internal sealed record IndexLoadStatus(bool Serving, bool Loading, int Completed, int Chunks, TimeSpan? Remaining, int Users)
{
    public double Ratio => Chunks == 0 ? (Serving ? 1 : 0) : (double)Completed / Chunks;
}
