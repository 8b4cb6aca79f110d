using System.Text;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>What a rehearsed job did: each step's outcome and everything it printed, for the assertions and for a failure's message.</summary>
public sealed class JobLog(string job)
{
    private readonly StringBuilder _text = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public string Job { get; } = job;

    public List<(string Step, string Outcome)> Steps { get; } = [];

    public bool Succeeded { get; set; } = true;

    /// <summary>The job's own `if:` kept it from running (a branch it is not for).</summary>
    public bool Skipped { get; set; }

    public string Text => _text.ToString();

    /// <summary>What each build.sh call printed, in order.</summary>
    public List<string> BuildOutputs { get; } = [];

    /// <summary>What steps wrote to $GITHUB_STEP_SUMMARY.</summary>
    public List<string> StepSummaries { get; } = [];

    /// <summary>The JUnit files store_test_results found (CircleCI).</summary>
    public List<string> StoredTestResults { get; } = [];

    public void Step(string step, string outcome, string output = "")
    {
        Steps.Add((step, outcome));
        _text.AppendLine($"--- {Job} [{_clock.Elapsed.TotalSeconds:0.0} s]: {step}: {outcome}");
        if (output.Length > 0) _text.AppendLine(output.TrimEnd());
    }

    public override string ToString() => Text;
}
