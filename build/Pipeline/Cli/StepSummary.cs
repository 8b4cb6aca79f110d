using System.Text;
using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>
/// The run summary as Markdown for GitHub's job summary page ($GITHUB_STEP_SUMMARY): each target with its outcome
/// and duration, then what the stages reported (tests, images pushed, deploys). Every line is redacted first.
/// </summary>
public static class StepSummary
{
    public const string Variable = "GITHUB_STEP_SUMMARY";

    public static string Render(string runId, IReadOnlyList<(string Target, string Outcome, TimeSpan Duration)> outcomes, IEnumerable<string> results)
    {
        var failed = RunExitCode.Failed(outcomes.Select(o => o.Outcome));
        var text = new StringBuilder();
        text.AppendLine($"### Pipeline run `{runId}`: {(failed ? "failed" : "succeeded")}");
        text.AppendLine();
        text.AppendLine("| target | result | duration |");
        text.AppendLine("|---|---|---:|");
        foreach (var (target, outcome, duration) in outcomes)
            text.AppendLine($"| {Cell(target)} | {Cell(outcome)} | {duration.TotalSeconds:0.0} s |");
        var lines = results.ToList();
        if (lines.Count > 0)
        {
            text.AppendLine();
            foreach (var line in lines) text.AppendLine($"- {Cell(line)}");
        }
        return Redactor.Redact(text.ToString());
    }

    /// <summary>Appends to the file GitHub names; a failure to write only warns, the run's result stands.</summary>
    public static void AppendIfRequested(Func<string, string?> environment, string markdown)
    {
        if (environment(Variable) is not { Length: > 0 } path) return;
        try
        {
            File.AppendAllText(path, markdown + Environment.NewLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"could not write the job summary to {path}: {e.Message}");
        }
    }

    // Markdown table cells and list items: a pipe would split the cell, a newline the row.
    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
