using System.Text.RegularExpressions;
using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>./build.sh Test and StartDeps against the sandbox and the real engine, as a user runs them.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed partial class TestTargetTests : IAsyncLifetime
{
    private const string Sha = "0ddba11cafef00d0123456789abcdef012345678";
    private readonly string _repository = "e2e-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly DanglingImages _dangling = new();
    private readonly List<string> _directories = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var image in await _engine.Images.ListByLabelAsync($"pipeline.repository={_repository}", default))
            await _engine.Images.RemoveAsync(image.Id, force: true, default);
        foreach (var directory in _directories) Directory.Delete(directory, recursive: true);
        _dangling.RemoveNew();
        _engine.Dispose();
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["AWS_ECR_REPO"] = _repository,
        ["PIPELINE_SHA"] = Sha,
        ["PIPELINE_BRANCH"] = "develop",
    };

    [Fact]
    public async Task Test_passes_reports_the_counts_and_leaves_nothing_of_its_run_behind()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["Test"], Environment());
        Assert.True(exitCode == 0, output);

        var counts = CountsLine().Match(output);
        Assert.True(counts.Success, output);
        Assert.True(int.Parse(counts.Groups["passed"].Value) > 0, output);
        Assert.Equal("0", counts.Groups["failed"].Value);
        Assert.Contains("ok 1 - stores a new link as a row in the links table", output); // streamed, and the schema is there
        await AssertNothingLabelledAsync(RunId(output));
    }

    [Fact]
    public async Task A_failing_app_test_fails_Test_with_its_output_and_the_dependency_logs_and_leaves_nothing_behind()
    {
        var context = AppContextWithFailingTest();
        var environment = Environment();
        environment["DOCKER_CONTEXT"] = context;
        var archive = Directory.CreateTempSubdirectory("pipeline-archive-").FullName;
        _directories.Add(archive);
        environment["IMAGE_ARCHIVE_DIR"] = archive;

        var (exitCode, output) = await BuildScript.RunAsync(["Test"], environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("not ok", output);
        Assert.Contains("deliberately failing test for the pipeline", output);
        Assert.Contains("Test failed: 1 test(s) failed", output);
        Assert.Matches(@"Passed: [1-9]\d*, Failed: 1", output);
        Assert.Contains("last 30 lines of pipeline-mysql:", output);
        Assert.Contains("last 30 lines of pipeline-redis:", output);
        Assert.Contains("ready for connections", output); // a line of the MySQL log itself
        Assert.Empty(Directory.GetFiles(archive)); // an untested image never reaches the deploy jobs
        await AssertNothingLabelledAsync(RunId(output));
    }

    private async Task AssertNothingLabelledAsync(string runId)
    {
        var label = $"{DepsPlan.RunIdLabel}={runId}";
        Assert.Empty(await _engine.Containers.ListByLabelAsync(label, TestContext.Current.CancellationToken));
        Assert.Empty(await _engine.Networks.ListByLabelAsync(label, TestContext.Current.CancellationToken));
    }

    /// <summary>The repository's app (src/, docker/, .dockerignore) plus one test that fails.</summary>
    [Fact]
    public async Task A_test_run_that_never_ends_is_stopped_at_the_test_timeout_with_the_dependency_logs_and_leaves_nothing_behind()
    {
        using var hanging = new AppVariant("src/test/zz-hangs.test.js", """
            'use strict';
            require('node:test').test('waits for an answer that never comes', () => new Promise(() => setInterval(() => {}, 1000)));
            """);
        var environment = Environment();
        environment["DOCKER_CONTEXT"] = hanging.Directory;
        environment["TEST_TIMEOUT"] = "10";

        var (exitCode, output) = await BuildScript.RunAsync(["Test"], environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Test failed: The tests did not finish within 10 s (--test-timeout)", output);
        Assert.Contains("last 30 lines of pipeline-mysql:", output);
        await AssertNothingLabelledAsync(RunId(output));
    }

    private string AppContextWithFailingTest()
    {
        var context = Directory.CreateTempSubdirectory("pipeline-e2e-failing-app-").FullName;
        _directories.Add(context);
        var root = BuildScript.RepositoryRoot;
        CopyDirectory(Path.Combine(root, "src"), Path.Combine(context, "src"));
        CopyDirectory(Path.Combine(root, "docker"), Path.Combine(context, "docker"));
        File.Copy(Path.Combine(root, ".dockerignore"), Path.Combine(context, ".dockerignore"));
        File.WriteAllText(Path.Combine(context, "src", "test", "zz-deliberate-failure.test.js"), """
            'use strict';
            const test = require('node:test');
            const assert = require('node:assert');

            test('deliberately failing test for the pipeline', () => {
              assert.strictEqual(1 + 1, 3);
            });
            """);
        return context;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            // Installed modules never enter the image (.dockerignore); copying them would only cost time.
            if (Path.GetFileName(directory) == "node_modules") continue;
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static string RunId(string output) =>
        RunIdLine().Match(output) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException("no run id in:\n" + output);

    [GeneratedRegex(@"Pipeline run (\S+)")]
    private static partial Regex RunIdLine();

    [GeneratedRegex(@"Passed: (?<passed>\d+), Failed: (?<failed>\d+)")]
    private static partial Regex CountsLine();
}
