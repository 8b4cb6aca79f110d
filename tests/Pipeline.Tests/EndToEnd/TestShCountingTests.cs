using System.Text.RegularExpressions;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// test.sh's last line is the verdict CI reads. Its counting lives in tests/count.sh; these tests feed it logs and
/// exit statuses as the runners leave them, and read the totals it would print.
/// </summary>
public sealed class TestShCountingTests
{
    private const string NodeCounts = "Test       tests: Passed: 5, Failed: 0\n";

    [Fact]
    public async Task Node_tests_that_passed_and_a_run_that_exited_0_count_as_printed()
    {
        Assert.Equal("5 passed, 0 failed", await TotalsAsync("count_node", NodeCounts, exitCode: 0));
    }

    [Fact]
    public async Task A_node_run_with_no_counts_is_one_failure()
    {
        Assert.Equal("0 passed, 1 failed", await TotalsAsync("count_node", "Test failed: no engine\n", exitCode: 1));
    }

    [Fact]
    public async Task A_node_run_that_exits_non_zero_after_printing_no_failed_test_counts_one_failure()
    {
        // The Test target failed after its counts (teardown, a crash), or the suite's timeout cut it short.
        Assert.Equal("5 passed, 1 failed", await TotalsAsync("count_node", NodeCounts, exitCode: 1));
        Assert.Equal("5 passed, 1 failed", await TotalsAsync("count_node", NodeCounts, exitCode: 143));
    }

    [Fact]
    public async Task A_node_run_that_exits_non_zero_for_its_failed_tests_is_not_counted_twice()
    {
        Assert.Equal("3 passed, 2 failed",
            await TotalsAsync("count_node", "Test       tests: Passed: 3, Failed: 2 (1 cancelled)\n", exitCode: 1));
        Assert.Equal("0 passed, 1 failed", await TotalsAsync("count_node", "Test failed: no engine\n", exitCode: 1));
    }

    [Fact]
    public async Task Xunit_counts_add_up_over_the_projects()
    {
        const string log = "Total tests: 7\n     Passed: 7\nTotal tests: 4\n     Passed: 3\n     Failed: 1\n";
        Assert.Equal("10 passed, 1 failed", await TotalsAsync("count_xunit", log, exitCode: 1, "2"));
    }

    [Fact]
    public async Task Xunit_exiting_non_zero_with_no_failed_test_or_a_missing_project_counts_one_failure_each()
    {
        Assert.Equal("7 passed, 1 failed", await TotalsAsync("count_xunit", "Total tests: 7\n     Passed: 7\n", exitCode: 1, "1"));
        Assert.Equal("7 passed, 1 failed", await TotalsAsync("count_xunit", "Total tests: 7\n     Passed: 7\n", exitCode: 0, "2"));
    }

    /// <summary>Sources tests/count.sh as test.sh does, runs one count function on the log, prints test.sh's last line.</summary>
    private static async Task<string> TotalsAsync(string function, string log, int exitCode, params string[] more)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, log);
            var script = $"set -uo pipefail; source tests/count.sh; {function} \"$@\"; echo \"$passed passed, $failed failed\"";
            var (exit, output) = await ScriptProcess.RunAsync("bash", ["-c", script, "count", file, exitCode.ToString(), .. more],
                BuildScript.RepositoryRoot, new Dictionary<string, string?>(), TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output);
            // The complaints on stderr may arrive after it: the totals line is found by its shape.
            return Assert.Single(output.Split('\n'), l => Regex.IsMatch(l, @"^[0-9]+ passed, [0-9]+ failed$"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
