using Pipeline.Build;
using Pipeline.Deps;
using Pipeline.Docker;
using static Pipeline.Tests.Docker.MultiplexedFrames;

namespace Pipeline.Tests.Deps;

public sealed class TestRunTests
{
    [Fact]
    public void Counts_come_from_the_tap_summary_of_node_test()
    {
        var output = """
            TAP version 13
            # Subtest: GET /version
                ok 1 - reports the version
            ok 1 - GET /version
            not ok 2 - link shortener
            1..2
            # tests 14
            # suites 3
            # pass 12
            # fail 2
            # cancelled 0
            # skipped 0
            """.Split('\n');
        Assert.Equal(new TestCounts(12, 2), NodeTestSummary.Parse(output));
    }

    [Fact]
    public void Counts_come_from_the_spec_reporter_too()
    {
        string[] output = ["✔ reports the version (11ms)", "ℹ tests 5", "ℹ pass 5", "ℹ fail 0", "ℹ duration_ms 80"];
        Assert.Equal(new TestCounts(5, 0), NodeTestSummary.Parse(output));
    }

    [Fact]
    public void A_run_that_crashed_before_its_summary_has_no_counts()
    {
        string[] output = ["> sample-app@1.0.0 test", "> node --test test/*.test.js", "node:internal/modules/cjs/loader:1080",
            "Error: Cannot find module 'mysql2'", "    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)"];
        Assert.Null(NodeTestSummary.Parse(output));
    }

    [Fact]
    public void A_test_named_like_a_count_line_does_not_count()
    {
        string[] output = ["ok 1 - # pass 99 is not a summary", "# pass 3", "# fail 0"];
        Assert.Equal("Passed: 3, Failed: 0", NodeTestSummary.Parse(output)!.ToString());
    }

    [Fact]
    public void The_test_container_runs_npm_test_on_the_deps_network_with_the_aliases_as_hosts()
    {
        var deps = DepsPlan.For("mysql:8.0.40", "redis:7.2.5", true, "r1", DepsNaming.Default);
        var request = TestContainerPlan.For("app:abc-testing", ["npm", "test"], deps, "pipeline-deps-r1");
        Assert.Equal("app:abc-testing", request.Image);
        Assert.Equal(["npm", "test"], request.Command);
        Assert.Equal("pipeline-deps-r1", request.Network);
        Assert.Equal("mysql", request.Environment["MYSQL_HOST"]);
        Assert.Equal("redis", request.Environment["REDIS_HOST"]);
        Assert.Equal("r1", request.Labels[DepsPlan.RunIdLabel]);
        Assert.Empty(request.Ports);
    }

    [Fact]
    public async Task Followed_log_frames_become_whole_lines_per_stream_even_when_split_mid_line()
    {
        using var stream = new MemoryStream([
            .. Frame(1, "# pass "u8.ToArray()), .. Frame(2, "warn\npart"u8.ToArray()), .. Frame(1, "5\n# fail 0\nlast"u8.ToArray()),
        ]);
        var lines = new List<LogLine>();
        await LogLineReader.ReadAsync(stream, framed: true, lines.Add, TestContext.Current.CancellationToken);
        Assert.Equal(
            [new LogLine("warn", true), new LogLine("# pass 5", false), new LogLine("# fail 0", false),
             new LogLine("last", false), new LogLine("part", true)],
            lines);
    }

    [Fact]
    public void The_shell_command_is_interactive_removed_on_exit_and_on_the_deps_network()
    {
        var deps = DepsPlan.For("m", "r", true, "r1", DepsNaming.Default);
        var command = ShellStage.Command("app:abc-testing", deps, "pipeline-deps-r1");
        Assert.Equal(["run", "--rm", "-it", "--network", "pipeline-deps-r1"], command.Take(5));
        Assert.Contains("MYSQL_HOST=mysql", command);
        Assert.Contains("REDIS_HOST=redis", command);
        Assert.Equal(["app:abc-testing", "sh"], command.TakeLast(2));
    }
}
