using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// POSIX shell quoting for the one line ssh hands to the remote login shell. ssh joins its arguments with spaces
/// and the remote shell splits them again, so every argument is quoted here, never pasted.
/// </summary>
public static partial class ShellQuote
{
    /// <summary>
    /// A word the remote shell reads back as exactly <paramref name="value"/>. Plain words stay bare for readable
    /// dry runs; anything else is single-quoted with ' written as '\''. A leading "~" is quoted like the rest: a
    /// user or image name that starts with "~/" is not a path (see <see cref="QuoteHomePath"/> for those).
    /// A control character is refused: POSIX sh has no $'..' to write one safely, a newline would end the command
    /// for a shell that is not POSIX inside quotes (csh), and none belongs in a value of ours.
    /// </summary>
    public static string Quote(string value)
    {
        RefuseControlCharacters(value, allowLineBreaks: false);
        return value.Length > 0 && SafeWord().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''") + "'";
    }

    /// <summary>
    /// A path on the host whose leading "~/" is left outside the quotes, so the remote shell expands it to the
    /// remote user's home (env files live there); it can only ever become $HOME, and the rest stays quoted.
    /// </summary>
    public static string QuoteHomePath(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? "~/" + (path.Length == 2 ? "" : Quote(path[2..])) : Quote(path);

    /// <summary>
    /// A text the pipeline wrote itself and sends as one word (a script, a proxy config): it may span lines, which
    /// single quotes keep literally; any other control character is refused as in <see cref="Quote"/>.
    /// </summary>
    public static string QuoteText(string text)
    {
        RefuseControlCharacters(text, allowLineBreaks: true);
        return "'" + text.Replace("'", "'\\''") + "'";
    }

    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static void RefuseControlCharacters(string value, bool allowLineBreaks)
    {
        var problem = ValueText.FirstForbidden(value, c => char.IsControl(c) && !(allowLineBreaks && c == '\n'));
        if (problem is null) return;
        throw new PipelineException(
            $"A word for the remote shell cannot be quoted safely: {problem}, in '{ValueText.Escape(value)}'",
            "Remove the control character from the setting that holds this value (every setting is checked at start; ./build.sh --help lists them).");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+\z")]
    private static partial Regex SafeWord();
}
