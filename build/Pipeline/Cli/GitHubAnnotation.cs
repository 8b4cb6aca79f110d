namespace Pipeline.Cli;

/// <summary>
/// GitHub Actions workflow commands (`::error title=…::message`), escaped as the runner expects: in the message
/// %, CR and LF; in a property also ':' and ','. An unescaped newline would end the command early.
/// </summary>
public static class GitHubAnnotation
{
    public static string Error(string title, string message) =>
        $"::error title={EscapeProperty(title)}::{EscapeData(message)}";

    public static string EscapeData(string text) =>
        text.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string text) =>
        EscapeData(text).Replace(":", "%3A").Replace(",", "%2C");
}
