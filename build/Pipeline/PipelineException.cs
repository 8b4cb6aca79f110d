namespace Pipeline;

/// <summary>
/// An expected failure (bad input, unreachable host, failed step). The runner prints it as
/// "what failed", "how to fix it" and the detail, with no stack trace.
/// </summary>
public class PipelineException : Exception
{
    public PipelineException(string what, string fix, string? detail = null, Exception? inner = null)
        : base(what, inner)
    {
        Fix = fix;
        Detail = detail;
    }

    /// <summary>One line saying what the user should do next.</summary>
    public string Fix { get; }

    public string? Detail { get; }
}
