namespace SaasExporter.Files;

/// <summary>The known key an unknown one is most likely a typo of (<c>lables</c> for <c>labels</c>), if any is close.</summary>
public static class KeySuggestion
{
    /// <summary>
    /// The known key at the smallest edit distance (case ignored) from <paramref name="key"/>, when that distance is at
    /// most a third of the key's length (at least 1, at most 3): close enough to be a slip, not another word.
    /// </summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        var limit = Math.Clamp(key.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance && candidate != key)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions of one character.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
