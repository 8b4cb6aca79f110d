using System.Collections.Concurrent;

namespace Pipeline.Config;

/// <summary>Masks every registered secret value (and its base64 form, as sent in registry auth headers).</summary>
public static class Redactor
{
    public const string Mask = "[REDACTED]";

    // Very short values would mask ordinary words; no real credential is this short.
    private const int MinimumLength = 4;

    private static readonly ConcurrentDictionary<string, byte> Values = new();

    public static void Register(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinimumLength) return;
        Values.TryAdd(value, 0);
        Values.TryAdd(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)), 0);
    }

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || Values.IsEmpty) return text;
        // Longest first, so a secret that contains another is masked whole.
        foreach (var value in Values.Keys.OrderByDescending(v => v.Length))
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        return text;
    }
}
