using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Docker;

/// <summary>
/// One .dockerignore line, compiled the way moby's patternmatcher compiles it: "*" and "?" stop at '/', "**" crosses
/// directories, "[...]" is a character class, "\" escapes, and a pattern that matches a parent directory matches
/// everything below it.
/// </summary>
public sealed class DockerIgnorePattern
{
    private readonly Regex _regex;

    private DockerIgnorePattern(string pattern, bool exclusion)
    {
        Pattern = pattern;
        IsException = exclusion;
        try
        {
            if (exclusion && pattern.Length == 0) throw new FormatException("a '!' with no pattern after it");
            _regex = new Regex(Compile(pattern), RegexOptions.CultureInvariant);
        }
        catch (Exception invalid) when (invalid is FormatException or ArgumentException)
        {
            // The engine refuses such a file too ("syntax error in pattern"); better to say so before sending.
            throw new PipelineException($".dockerignore line '{this}' is not a valid pattern: {invalid.Message}",
                "Fix or remove that line in .dockerignore.", invalid.Message, invalid);
        }
    }

    /// <summary>The cleaned pattern, without the leading '!'.</summary>
    public string Pattern { get; }

    /// <summary>True for a "!pattern" line, which re-includes what earlier lines excluded.</summary>
    public bool IsException { get; }

    /// <summary>Reads one line; null for blank lines and comments.</summary>
    public static DockerIgnorePattern? Parse(string line)
    {
        // Docker drops comment lines before trimming, so " # x" is a pattern, not a comment.
        if (line.StartsWith('#')) return null;
        var pattern = line.Trim();
        if (pattern.Length == 0) return null;
        var exception = pattern[0] == '!';
        if (exception) pattern = pattern[1..].Trim();
        if (pattern.Length > 0)
        {
            pattern = CleanPath(pattern);
            if (pattern.Length > 1 && pattern[0] == '/') pattern = pattern[1..];
        }
        return new DockerIgnorePattern(pattern, exception);
    }

    /// <summary>Whether the pattern matches this slash-separated path relative to the context root.</summary>
    public bool Matches(string path) => _regex.IsMatch(path);

    /// <summary>Whether the pattern matches the path or one of its parent directories.</summary>
    public bool MatchesOrParent(string path)
    {
        if (Matches(path)) return true;
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (Matches(path[..slash])) return true;
        }
        return false;
    }

    public override string ToString() => (IsException ? "!" : "") + Pattern;

    /// <summary>Go's filepath.Clean: collapse "//", drop "." parts, resolve ".." lexically.</summary>
    internal static string CleanPath(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var cleaned = string.Join('/', parts);
        if (rooted) return "/" + cleaned;
        return cleaned.Length == 0 ? "." : cleaned;
    }

    private static string Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    // "**/" is "**": the slash is eaten so "**/x" also matches "x" at the root.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
                    regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    // An escape takes the next character literally; a trailing one is a literal backslash.
                    if (i + 1 < pattern.Length) regex.Append(Regex.Escape(pattern[++i].ToString()));
                    else regex.Append(@"\\");
                    break;
                case '[':
                    i = AppendClass(pattern, i, regex);
                    break;
                default:
                    regex.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }
        // Go's $ (the engine's) is the end of the text; .NET's $ would also match before a final newline.
        return regex.Append(@"\z").ToString();
    }

    /// <summary>
    /// Copies a "[...]" class as the engine does (it hands the class to Go's regexp): "^" negates, "a-z" is a range,
    /// "\" escapes. Returns the index of the closing bracket.
    /// </summary>
    private static int AppendClass(string pattern, int start, StringBuilder regex)
    {
        regex.Append('[');
        var i = start + 1;
        if (i < pattern.Length && pattern[i] == '^') regex.Append(pattern[i++]);
        for (var first = true; i < pattern.Length; i++, first = false)
        {
            var ch = pattern[i];
            if (ch == ']' && !first)
            {
                regex.Append(']');
                return i;
            }
            if (ch == '\\' && i + 1 < pattern.Length) regex.Append('\\').Append(pattern[++i]);
            else if (ch is '[' or '\\') regex.Append('\\').Append(ch);
            else regex.Append(ch);
        }
        throw new FormatException("an unclosed '[' character class");
    }
}
