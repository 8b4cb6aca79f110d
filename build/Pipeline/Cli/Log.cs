using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>
/// The one way the pipeline writes to the console. Every line goes through the redactor, and progress lines
/// are throttled when the output is not a terminal, so CI logs stay readable.
/// </summary>
public static class Log
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, DateTime> LastProgress = new();
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    public static TextWriter Out { get; set; } = Console.Out;

    public static void Info(string message) => Write(message);

    public static void Step(string message) => Write("==> " + message);

    public static void Note(string message) => Write("    " + message);

    public static void Warn(string message) => Write("warning: " + message);

    public static void Error(string message) => Write("error: " + message);

    /// <summary>A progress line for one ongoing piece of work (a layer, a tarball), at most every two seconds.</summary>
    public static void Progress(string key, string message, bool final = false)
    {
        lock (Gate)
        {
            var now = DateTime.UtcNow;
            if (!final && LastProgress.TryGetValue(key, out var last) && now - last < ProgressInterval) return;
            LastProgress[key] = now;
        }
        Write("    " + message);
    }

    private static void Write(string message)
    {
        var line = Redactor.Redact(message);
        lock (Gate) Out.WriteLine(line);
    }
}
