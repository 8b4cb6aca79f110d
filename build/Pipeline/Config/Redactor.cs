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
/// A form of one to three characters is masked only as a whole word (no letter or digit right before or after):
/// masked everywhere, a password "pw" would shred "pwd" and "npw", and "a" every sentence; inside another word those
/// characters tell nothing about the secret, while "user:pw@host" or "\"pw\"" still do and are masked. Refusing short
/// secrets instead would lock out a test registry whose password someone else chose, and say nothing about the
/// short tokens that reach the redactor without being settings.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "[REDACTED]";

    // Shorter forms are masked only as whole words (see above).
    private const int MinimumLength = 4;

    private static readonly ConcurrentDictionary<string, byte> Values = new();

    private static readonly ConcurrentDictionary<string, Regex> ShortWords = new();

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Register(string value)
    {
        if (string.IsNullOrEmpty(value)) return;
        var trimmed = value.Trim();
        foreach (var form in Forms(value).Concat(trimmed.Length > 0 ? Forms(trimmed) : []))
        {
            if (form.Length >= MinimumLength) Values.TryAdd(form, 0);
            else if (form.Length > 0) ShortWords.GetOrAdd(form, f => new Regex(@"(?<![\p{L}\p{N}])" + Regex.Escape(f) + @"(?![\p{L}\p{N}])", RegexOptions.CultureInvariant));
        }
    }

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        // Longest first, so a secret that contains another is masked whole.
        foreach (var value in Values.Keys.OrderByDescending(v => v.Length))
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        foreach (var word in ShortWords.Values) text = word.Replace(text, Mask);
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
