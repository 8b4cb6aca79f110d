using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// A command to run on a staging host, as a value: an argument list (rendered to one quoted shell line), an
/// optional stdin payload that is secret and never printed, and how long the step may take. The same value is
/// run, printed by --dryrun and asserted in tests.
/// </summary>
public sealed record RemoteCommand(string Purpose, IReadOnlyList<string> Argv, TimeSpan Timeout, Secret? Stdin = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static RemoteCommand Of(string purpose, params string[] argv) => new(purpose, argv, DefaultTimeout);

    /// <summary>
    /// A fixed POSIX sh script with its data as positional parameters ($1, $2, ...): the script is a constant that
    /// can be read and reviewed, and no value ever becomes part of the code.
    /// </summary>
    public static RemoteCommand Script(string purpose, string script, params string[] arguments) =>
        new(purpose, ["sh", "-c", script, "sh", .. arguments], DefaultTimeout) { Texts = [2] };

    /// <summary>
    /// The argv positions that hold a text the pipeline wrote itself (a script, a config), which may span lines;
    /// every other word is a value and may not.
    /// </summary>
    public IReadOnlyList<int> Texts { get; init; } = [];

    /// <summary>The argv positions that hold a path on the host whose leading ~/ is the remote user's home.</summary>
    public IReadOnlyList<int> HomePaths { get; init; } = [];

    /// <summary>The exact line the remote shell receives.</summary>
    public string Line => string.Join(' ', Argv.Select((word, i) =>
        Texts.Contains(i) ? ShellQuote.QuoteText(word) : HomePaths.Contains(i) ? ShellQuote.QuoteHomePath(word) : ShellQuote.Quote(word)));

    /// <summary>The line as --dryrun and logs show it: a stdin payload appears only as [REDACTED].</summary>
    public string Display => Stdin is null ? Line : $"{Line} <<< {Redactor.Mask}";

    public RemoteCommand WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    public RemoteCommand WithStdin(Secret stdin) => this with { Stdin = stdin };
}
