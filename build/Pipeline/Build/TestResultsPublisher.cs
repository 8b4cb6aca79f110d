using Pipeline.Cli;

namespace Pipeline.Build;

/// <summary>
/// Puts a test run's results where CI shows them: JUnit XML in the results directory (CircleCI's
/// store_test_results reads it), and on GitHub Actions an error annotation per failed test, which the run's page
/// shows beside the job.
/// </summary>
public static class TestResultsPublisher
{
    private const int AnnotationLimit = 50;

    public static string Describe(string directory) =>
        $"write the results as JUnit XML to {Path.Combine(directory, JUnitReport.FileName)}" +
        " (on GitHub Actions also an error annotation per failed test)";

    public static async Task PublishAsync(
        string directory, string runName, IReadOnlyList<TestCaseResult> results, int exitCode, Func<string, string?> environment,
        CancellationToken cancellation)
    {
        var cases = results.ToList();
        // A command that died before its runner reported anything still shows up as a failure, not as an empty report.
        if (exitCode != 0 && !cases.Any(c => c.Outcome == TestOutcome.Failed))
            cases.Add(new TestCaseResult([], "test command", TestOutcome.Failed, TimeSpan.Zero,
                $"exited {exitCode} without a failed test in its report; read the job's log"));
        var path = Path.Combine(directory, JUnitReport.FileName);
        try
        {
            await JUnitReport.WriteAsync(path, JUnitReport.Build(runName, cases), cancellation);
            Log.Note($"wrote {cases.Count} test result(s) to {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"could not write the test results to {path}: {e.Message} (set --test-results-dir to a writable directory)");
        }
        if (environment("GITHUB_ACTIONS") == "true")
            foreach (var failed in cases.Where(c => c.Outcome == TestOutcome.Failed).Take(AnnotationLimit))
                Log.Info(GitHubAnnotation.Error($"{failed.SuitePath} › {failed.Name}", failed.Message ?? "failed"));
    }
}
