using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Tests.EndToEnd;

[Collection(BuildScriptCollection.Name)]
public class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_target_with_its_dependencies_and_every_parameter()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["--help"]);
        Assert.Equal(0, exitCode);
        Assert.Matches(@"Test \(default\)\s+-> DockerBuild, StartDeps", output);

        // Every target build.cake declares, as build.cake declares it: its description and its direct dependencies.
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var declared = DeclaredTargets();
        Assert.True(declared.Count >= 16, $"only {declared.Count} targets read from build.cake");
        foreach (var (name, description, dependencies) in declared)
        {
            var at = lines.FindIndex(l => Regex.IsMatch(l, $@"^  {name}(?: \(default\))?(?: |$)"));
            Assert.True(at >= 0, $"--help does not list {name}:\n{output}");
            if (dependencies.Count == 0)
            {
                Assert.Matches($@"^  {name}(?: \(default\))? +{Regex.Escape(description)}$", lines[at]);
            }
            else
            {
                Assert.Matches($@"^  {name}(?: \(default\))? +-> {string.Join(", ", dependencies)}$", lines[at]);
                Assert.Matches($@"^ +{Regex.Escape(description)}$", lines[at + 1]);
            }
        }
        var listed = lines.SkipWhile(l => !l.StartsWith("Targets", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("Parameters", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"^  (\w+)")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(declared.Select(t => t.Name), listed);

        // Every parameter on its own line with its environment variable.
        foreach (var parameter in PipelineParameters.All)
            Assert.Matches($@"(?m)^  {Regex.Escape(parameter.CliName)}\s+{parameter.EnvVar}\s", output);
    }

    /// <summary>The targets as build/build.cake declares them, read from its text: Task("..."), .Description("..."), .IsDependentOn("...").</summary>
    private static List<(string Name, string Description, List<string> Dependencies)> DeclaredTargets()
    {
        var script = File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "build", "build.cake"));
        return Regex.Split(script, @"(?=^Task\("")", RegexOptions.Multiline).Skip(1)
            .Select(block => (
                Regex.Match(block, @"^Task\(""(\w+)""\)").Groups[1].Value,
                Regex.Match(block, @"\.Description\(""((?:[^""\\]|\\.)*)""\)").Groups[1].Value.Replace("\\\"", "\""),
                Regex.Matches(block, @"\.IsDependentOn\(""(\w+)""\)").Select(m => m.Groups[1].Value).ToList()))
            .ToList();
    }

    [Fact]
    public async Task An_unknown_target_fails_before_anything_runs()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["Nope"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown target 'Nope'", output);
        Assert.Contains("Restore, DockerBuild", output);
        Assert.DoesNotContain("Pipeline run", output);
    }

    [Fact]
    public async Task A_misspelt_target_is_corrected()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBiuld"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Did you mean 'DockerBuild'?", output);
    }

    [Fact]
    public async Task An_invalid_app_env_names_the_valid_values()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["--app-env=prod"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("--app-env=prod is not a valid app-env", output);
        Assert.Contains("staging, production", output);
    }

    [Fact]
    public async Task An_unknown_parameter_is_refused()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild", "--repositroy", "x"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Did you mean '--repository'?", output);
    }

    [Fact]
    public async Task Plan_prints_the_ordered_targets_and_marks_skipped_ones()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild", "--plan", "--skip", "Restore"]);
        Assert.Equal(0, exitCode);
        Assert.Equal(["1. Restore  (skipped)", "2. DockerBuild"], output.Trim().Split('\n').Select(l => l.TrimEnd()));
    }

    [Fact]
    public async Task A_run_prints_only_the_pipelines_summary_which_names_skipped_targets_as_skipped()
    {
        // Every target skipped: nothing runs, so no sandbox is needed.
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild", "--skip", "Restore,DockerBuild"]);
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"Restore +skipped", output);
        Assert.Matches(@"DockerBuild +skipped", output);
        Assert.DoesNotContain("Succeeded", output); // Cake's own task table
    }

    [Fact]
    public async Task A_failed_run_prints_only_the_pipelines_summary_and_exits_1()
    {
        // A repository no build makes: the testing image is missing, so Test fails before it starts anything.
        var (exitCode, output) = await BuildScript.RunAsync(
            ["Test", "--skip", "Restore,DockerBuild,StartDeps", "--repository", "no-such-app-" + Guid.NewGuid().ToString("N")[..8]],
            new Dictionary<string, string> { ["PIPELINE_SANDBOX"] = "off" });
        Assert.True(exitCode == 1, output);
        Assert.Matches(@"Restore +skipped", output);
        Assert.Matches(@"Test +failed", output);
        Assert.DoesNotContain("Succeeded", output);
    }

    [Fact]
    public async Task Without_an_engine_the_build_fails_saying_what_to_do()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild"], new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "unix:///tmp/no-engine-here.sock",
            ["AWS_ECR_URL"] = "registry.invalid",
        });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Restore failed: No Docker engine socket at /tmp/no-engine-here.sock", output);
        Assert.Contains("fix: Start the engine", output);
        Assert.DoesNotContain("   at Pipeline.", output); // an expected failure prints no stack trace
    }

    [Fact]
    public async Task The_sandbox_check_covers_only_the_parts_the_targets_use_and_is_quick_once_they_are_up()
    {
        // As on a machine where up.sh has not recorded a complete run: the run has up.sh check what it uses.
        File.Delete(Path.Combine(SandboxAwsCli.SandboxDir, "up.json"));
        var (depsExit, deps) = await BuildScript.RunAsync(["DepsStatus"]);
        Assert.True(depsExit == 0, deps);
        Assert.Contains("staging    not checked (--without staging)", deps);
        Assert.Contains("ecs        not checked (--without ecs)", deps);
        Assert.Contains("registry   ok", deps);

        // A lock name no run holds: StagingUnlock connects to staging-1 and changes nothing.
        var (unlockExit, unlock) = await BuildScript.RunAsync(["StagingUnlock"], new Dictionary<string, string>
        {
            ["STAGING_CONTAINER"] = "parts-" + Guid.NewGuid().ToString("N")[..8],
            ["SANDBOX_SLOT"] = "0",
        });
        Assert.True(unlockExit == 0, unlock);
        Assert.Matches(@"staging-1 +(ok|.*started)", unlock);
        Assert.Contains("ecs        not checked (--without ecs)", unlock);
        Assert.DoesNotContain("staging    not checked", unlock);

        // Up.sh recorded what it checked: a run that needs no more skips it, one that needs ECS too does not.
        var (quickExit, quick) = await BuildScript.RunAsync(["DepsStatus"]);
        Assert.True(quickExit == 0, quick);
        Assert.Contains("sandbox: up (its daemons answer as sandbox/up.sh last left them)", quick);
        Assert.DoesNotContain("==> Sandbox:", quick);
    }

    [Fact]
    public async Task Runs_started_together_after_a_library_change_build_it_once_and_all_succeed()
    {
        // A newer source makes the library stale, as a pull would; three terminals then start a run each.
        File.SetLastWriteTimeUtc(Path.Combine(BuildScript.RepositoryRoot, "build", "Pipeline", "PipelineHost.cs"), DateTime.UtcNow);

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => BuildScript.RunAsync(["Test", "--plan"])));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        Assert.All(runs, run => Assert.Contains("4. Test", run.Output));
        Assert.Single(runs, run => run.Output.Contains("Building build/Pipeline ..."));
    }
}
