using Pipeline.Cache;
using Pipeline.Cli;
using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>
/// Test: the test command in the testing image next to the dependency services, its output streamed as it comes.
/// The counts come from node's runner output or a JUnit XML file the command writes (--test-report). The target
/// fails exactly when the command exits non-zero. This run's containers and network are removed at the end, whatever happened,
/// unless --keep-deps. When the tests pass and --image-archive-dir is set, the release image of the same build is
/// archived there for deploy jobs on other machines: only a tested image ever gets there.
/// </summary>
public sealed class TestStage(StageContext context) : IStage
{
    private const int DependencyLogLines = 30;
    private const long ReportLimit = 64 * 1024 * 1024;
    private static readonly TimeSpan ExitLimit = TimeSpan.FromMinutes(1);

    private readonly DepsOptions _options = DepsOptions.From(context.Settings.Values);
    private readonly DepsPlan _plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);

    public IEnumerable<string> Describe()
    {
        var request = TestContainerPlan.For(context.Settings.Images.Testing, context.Settings.TestCommand, _plan, _plan.Network);
        yield return $"run `{string.Join(' ', request.Command!)}` in {request.Image} as {request.Name} " +
            $"on network {request.Network} (env {DepsPlan.Format(request.Environment)})";
        yield return $"  stop it after {_options.TestTimeout.TotalSeconds:0} s (--test-timeout); stream its output; fail when it exits non-zero, then print the last " +
            $"{DependencyLogLines} lines of {_plan.ContainerNames}";
        yield return $"  read the counts from {context.Settings.TestReport}";
        yield return _options.Keep
            ? "keep the dependency containers and network (--keep-deps)"
            : $"remove every container and network labelled {DepsPlan.RunIdLabel}={context.RunId}";
        yield return "  " + TestResultsPublisher.Describe(context.Settings.TestResultsDirectory);
        if (TestedImageArchive.For(context.Settings, () => context.Docker) is { } archive)
            yield return "when the tests pass: " + archive.DescribeSave();
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var docker = context.Docker;
        var deps = new DepsEnvironment(docker, _plan, _options);
        string? testContainer = null;
        try
        {
            var image = context.Settings.Images.Testing;
            if (await docker.Images.InspectAsync(image, cancellation) is null)
                throw new PipelineException($"The testing image {image} is not in the engine", "Build it: run DockerBuild (don't --skip it).");
            var network = await deps.FindNetworkAsync(cancellation);
            var request = TestContainerPlan.For(context.Settings.Images.Testing, context.Settings.TestCommand, _plan, network);
            testContainer = await docker.Containers.CreateAsync(request, cancellation);
            await docker.Containers.StartAsync(testContainer, cancellation);
            Log.Step($"{string.Join(' ', request.Command!)} in {request.Image}");

            var output = new List<string>();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(_options.TestTimeout);
            ContainerExit exit;
            try
            {
                await docker.Containers.FollowLogsAsync(testContainer, line =>
                {
                    lock (output) output.Add(line.Text);
                    Log.Note(line.Text);
                }, limit.Token);
                exit = await docker.Containers.WaitAsync(testContainer, ExitLimit, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // The test command hangs (a test that never ends, a dependency that never answers): stop it, show
                // the dependencies' side, and fail; the finally below removes everything as after any failure.
                Log.Error($"{string.Join(' ', request.Command!)} did not finish within {_options.TestTimeout.TotalSeconds:0} s: stopping it");
                using var report = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await deps.PrintLogTailsAsync(DependencyLogLines, report.Token);
                await TestResultsPublisher.PublishAsync(
                    context.Settings.TestResultsDirectory, RunName, await ResultsAsync(testContainer, output, report.Token), 124,
                    Environment.GetEnvironmentVariable, report.Token);
                throw new PipelineException(
                    $"The tests did not finish within {_options.TestTimeout.TotalSeconds:0} s (--test-timeout)",
                    "Read the test output and the services' logs above for what hangs; raise --test-timeout / TEST_TIMEOUT only if the suite is really that long.");
            }

            var results = await ResultsAsync(testContainer, output, cancellation);
            await TestResultsPublisher.PublishAsync(
                context.Settings.TestResultsDirectory, RunName, results, exit.ExitCode, Environment.GetEnvironmentVariable, cancellation);
            var counts = context.Settings.TestReport.IsJUnit
                ? results.Count == 0 ? null : JUnitResults.Count(results)
                : NodeTestSummary.Parse(output);
            var command = string.Join(' ', request.Command!);
            RunSummary.Add(counts is null
                ? $"tests: no pass/fail counts (`{command}` exited {exit.ExitCode} without {context.Settings.TestReport} reporting any)"
                : $"tests: {counts}");
            if (exit.ExitCode != 0)
            {
                await deps.PrintLogTailsAsync(DependencyLogLines, cancellation);
                throw new PipelineException(
                    counts is { Failed: > 0 }
                        ? $"{counts.Failed} test(s) failed ({counts})"
                        : $"`{command}` failed (exit code {exit.ExitCode}{(counts is null ? ", no test summary" : "")})",
                    "Read the test output above, then the services' logs after it.");
            }
        }
        finally
        {
            if (testContainer is not null) await RemoveQuietlyAsync(testContainer);
            if (_options.Keep)
                Log.Note($"kept {_plan.ContainerNames} and their network (--keep-deps); remove them with ./build.sh DepsDown");
            else
                await deps.TeardownAsync();
        }

        if (TestedImageArchive.For(context.Settings, () => docker) is { } archive)
        {
            var release = context.Settings.Images.Release;
            var image = await docker.Images.InspectAsync(release, cancellation) ?? throw new PipelineException(
                $"The release image {release} is not in the engine, so it cannot be archived for the deploy jobs",
                "Build it with the testing image: run DockerBuild (don't --skip it).");
            await archive.SaveAsync(image.Id, await ProvenanceAsync(cancellation), cancellation);
        }
    }

    private string RunName => $"{context.Settings.Images.Repository} {context.Settings.Revision.ShortSha}";

    /// <summary>
    /// The per-test results: node's TAP points in the output, or the JUnit file copied out of the stopped test
    /// container. A missing or unreadable JUnit file gives none, with a warning: the exit code still decides.
    /// </summary>
    private async Task<IReadOnlyList<TestCaseResult>> ResultsAsync(string container, IReadOnlyList<string> output, CancellationToken cancellation)
    {
        if (context.Settings.TestReport.JUnitPath is not { } path) return TapResults.Parse(output);
        try
        {
            if (await context.Docker.Containers.ReadFileAsync(container, path, ReportLimit, cancellation) is not { } xml)
            {
                Log.Warn($"the test command wrote no {path} in its container (--test-report): no per-test results");
                return [];
            }
            var cases = JUnitResults.Parse(xml, path);
            Log.Note($"read {cases.Count} test result(s) from {path} in the test container");
            return cases;
        }
        catch (PipelineException e)
        {
            Log.Warn($"could not read the test report {path}: {e.Message}");
            return [];
        }
    }

    /// <summary>The images this run tested against and built on, by reference and ID, as the archive records them.</summary>
    private async Task<TestProvenance> ProvenanceAsync(CancellationToken cancellation)
    {
        var settings = context.Settings;
        var images = new List<TestedImage>();
        foreach (var service in _plan.Services)
            images.Add(new TestedImage(service.Role, service.Image, (await context.Docker.Images.InspectAsync(service.Image, cancellation))?.Id));
        if (settings.EffectiveBaseImage is { } baseImage)
            images.Add(new TestedImage("base", baseImage, (await context.Docker.Images.InspectAsync(baseImage, cancellation))?.Id));
        return new TestProvenance(settings.IsSandbox, settings.SandboxReason, context.RunId, images);
    }

    private async Task RemoveQuietlyAsync(string container)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await context.Docker.Containers.RemoveAsync(container, limit.Token);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"could not remove the test container {container}: {e.Message}");
        }
    }
}
