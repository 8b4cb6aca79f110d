using System.Text.RegularExpressions;

namespace Pipeline.Staging;

/// <summary>
/// POSIX shell quoting for the one line ssh hands to the remote login shell. ssh joins its arguments with spaces
/// and the remote shell splits them again, so every argument is quoted here, never pasted.
/// </summary>
public static partial class ShellQuote
{
    /// <summary>
    /// A word the remote shell reads back as exactly <paramref name="value"/>. Plain words stay bare for readable
    /// dry runs; anything else is single-quoted with ' written as '\''. A leading "~/" is left outside the quotes
    /// so the remote shell expands it to the remote user's home (env files live there); it can only ever become
    /// $HOME, and the rest of the path stays quoted.
    /// </summary>
    public static string Quote(string value)
    {
        if (value.StartsWith("~/", StringComparison.Ordinal))
            return value.Length == 2 ? "~/" : "~/" + Quote(value[2..]);
        if (value.Length > 0 && SafeWord().IsMatch(value)) return value;
        return "'" + value.Replace("'", "'\\''") + "'";
    }

    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+\z")]
    private static partial Regex SafeWord();
}
