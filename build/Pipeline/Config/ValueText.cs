using System.Globalization;
using System.Text;

namespace Pipeline.Config;

/// <summary>
/// How errors speak about a value without letting it act on the reader: characters a terminal or CI log would
/// interpret (a newline that starts a forged log line, an escape sequence, a right-to-left override that shows
/// one command and runs another) are named or written as escapes, never passed through.
/// </summary>
public static class ValueText
{
    private const int ShownLength = 80;

    /// <summary>
    /// True for characters no single-line setting may hold: control characters (C0, DEL, C1), invisible format
    /// characters (bidi overrides, zero-width joiners, BOM), line and paragraph separators, and lone surrogates.
    /// </summary>
    public static bool IsForbidden(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => true,
        _ => false,
    };

    /// <summary>What a character is, in words: "a line break (\n)", "U+202E, an invisible formatting character".</summary>
    public static string Describe(char c) => c switch
    {
        '\n' => @"a line break (\n)",
        '\r' => @"a carriage return (\r)",
        '\t' => @"a tab (\t)",
        '\0' => @"a NUL character (\0)",
        ' ' => "a space",
        _ when char.IsControl(c) => $"the control character {Code(c)}",
        _ when char.IsSurrogate(c) => $"a broken character ({Code(c)}, half of a pair)",
        _ when IsForbidden(c) => $"{Code(c)}, an invisible formatting character",
        _ when c > '~' => Code(c),
        _ => $"'{c}'",
    };

    /// <summary>
    /// The value with every forbidden character and backslash escaped (\n, \x1b, \u202e, \\) and cut to a readable
    /// length: safe to print, and still telling the reader where the problem is.
    /// </summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value.Length > ShownLength ? value[..ShownLength] : value)
        {
            text.Append(c switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\0' => @"\0",
                _ when c < 0x100 && IsForbidden(c) => $"\\x{(int)c:x2}",
                _ when IsForbidden(c) || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return value.Length > ShownLength ? $"{text}... ({value.Length} characters)" : text.ToString();
    }

    /// <summary>"character 11 is a line break (\n)" for the first forbidden character, or null when there is none.</summary>
    public static string? FirstForbidden(string value, Func<char, bool> isForbidden)
    {
        for (var i = 0; i < value.Length; i++)
        {
            // An emoji or other character outside the BMP is a surrogate pair: whole, it is an ordinary character.
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (isForbidden(value[i]) || char.IsSurrogate(value[i])) return $"character {i + 1} is {Describe(value[i])}";
        }
        return null;
    }

    private static string Code(char c) => $"U+{(int)c:X4}";
}
