namespace Pipeline.Config;

/// <summary>"Did you mean" for targets, parameters and values: the closest name by edit distance, if close enough.</summary>
public static class NameSuggestions
{
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var names = candidates.ToList();
        // A prefix ("prod" for "production") is a strong hint even when the edit distance is large.
        if (input.Length >= 2 && names.FirstOrDefault(c => c.StartsWith(input, StringComparison.OrdinalIgnoreCase)) is { } prefixed)
            return prefixed;
        var lowered = input.ToLowerInvariant();
        var best = names
            .Select(c => (Name: c, Distance: Distance(lowered, c.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, input.Length / 3) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
