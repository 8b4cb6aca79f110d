using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Config;

/// <summary>
/// Masks every registered secret value in the forms tools write it in: as itself, base64 and base64url (with and
/// without padding; registry auth headers, docker config), URL-encoded (a URL's userinfo, a form body) and inside a
/// JSON string (an API body echoed in an error). A value pasted with a final newline is also masked without it,
/// since that is how it is used and echoed.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "[REDACTED]";

    // Very short values would mask ordinary words; no real credential is this short.
    private const int MinimumLength = 4;

    private static readonly ConcurrentDictionary<string, byte> Values = new();

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Register(string value)
    {
        if (string.IsNullOrEmpty(value)) return;
        var trimmed = value.Trim();
        foreach (var form in Forms(value).Concat(trimmed.Length > 0 ? Forms(trimmed) : []))
            if (form.Length >= MinimumLength) Values.TryAdd(form, 0);
    }

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || Values.IsEmpty) return text;
        // Longest first, so a secret that contains another is masked whole.
        foreach (var value in Values.Keys.OrderByDescending(v => v.Length))
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        return text;
    }

    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        var base64Url = base64.Replace('+', '-').Replace('/', '_');
        yield return base64;
        yield return base64.TrimEnd('=');
        yield return base64Url;
        yield return base64Url.TrimEnd('=');
        var escaped = Uri.EscapeDataString(value);
        yield return escaped;
        // Some encoders write the hex digits in lowercase, and forms write a space as '+'.
        yield return PercentEscape().Replace(escaped, m => m.Value.ToLowerInvariant());
        yield return WebUtility.UrlEncode(value);
        yield return JsonSerializer.Serialize(value)[1..^1];
        yield return JsonSerializer.Serialize(value, RelaxedJson)[1..^1];
    }

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentEscape();
}
