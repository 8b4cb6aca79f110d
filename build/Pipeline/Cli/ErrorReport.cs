namespace Pipeline.Cli;

/// <summary>Prints a failure as what failed, what to do next (one line), then the detail. No stack trace for expected failures.</summary>
public static class ErrorReport
{
    public static void Print(string? target, PipelineException error)
    {
        Log.Error((target is null ? "" : $"{target} failed: ") + error.Message);
        Log.Info("  fix: " + error.Fix);
        if (!string.IsNullOrWhiteSpace(error.Detail))
            foreach (var line in error.Detail.TrimEnd().Split('\n'))
                Log.Info("  | " + line.TrimEnd('\r'));
    }
}
