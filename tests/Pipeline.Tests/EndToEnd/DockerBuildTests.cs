using Pipeline.Docker;
using Pipeline.Tests.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>./build.sh DockerBuild against the sandbox and the real engine.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed class DockerBuildTests : IAsyncLifetime
{
    private const string Sha = "feedfacecafebeef0123456789abcdef01234567";
    private readonly BuiltImages _images = new("e2e-");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _images.DisposeAsync();

    private string Repository => _images.Repository;

    private DockerEngine Engine => _images.Engine;

    private Dictionary<string, string> Environment(string branch) => new()
    {
        ["AWS_ECR_REPO"] = Repository,
        ["PIPELINE_SHA"] = Sha,
        ["PIPELINE_BRANCH"] = branch,
    };

    [Fact]
    public async Task DockerBuild_makes_a_testing_image_with_dev_dependencies_and_a_smaller_release_image_without()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild"], Environment("develop"));
        Assert.True(exitCode == 0, output);

        var testing = await Engine.Images.InspectAsync($"{Repository}:{Sha}-testing", TestContext.Current.CancellationToken);
        var release = await Engine.Images.InspectAsync($"{Repository}:{Sha}", TestContext.Current.CancellationToken);
        Assert.NotNull(testing);
        Assert.NotNull(release);
        Assert.Equal("testing", testing.Labels["pipeline.app-env"]);
        Assert.Equal("staging", release.Labels["pipeline.app-env"]);
        Assert.Equal(Sha, release.Labels["org.opencontainers.image.revision"]);
        Assert.Equal("develop", release.Labels["org.opencontainers.image.ref.name"]);
        // The label every run's images carry, by which tests and cleanup find them.
        Assert.Equal(Repository, testing.Labels["pipeline.repository"]);
        Assert.Equal(Repository, release.Labels["pipeline.repository"]);
        Assert.True(release.Size < testing.Size, $"release {release.Size} B is not smaller than testing {testing.Size} B");

        // supertest is a devDependency of the app: only the testing image has it.
        Assert.Equal(0, await Cli.RunAsync("run", "--rm", "--entrypoint", "test", $"{Repository}:{Sha}-testing", "-d", "node_modules/supertest"));
        Assert.NotEqual(0, await Cli.RunAsync("run", "--rm", "--entrypoint", "test", $"{Repository}:{Sha}", "-d", "node_modules/supertest"));
        Assert.Equal(0, await Cli.RunAsync("run", "--rm", "--entrypoint", "test", $"{Repository}:{Sha}", "-d", "node_modules/mysql2"));
    }

    [Fact]
    public async Task The_main_branch_builds_a_production_release_image()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild"], Environment("main"));
        Assert.True(exitCode == 0, output);
        var release = await Engine.Images.InspectAsync($"{Repository}:{Sha}", TestContext.Current.CancellationToken);
        Assert.Equal("production", release!.Labels["pipeline.app-env"]);
    }

    [Fact]
    public async Task Dryrun_prints_the_builds_and_creates_no_image()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild", "--dryrun"], Environment("develop"));
        Assert.True(exitCode == 0, output);
        Assert.Contains($"build {Repository}:{Sha}-testing from docker/Dockerfile", output);
        Assert.Contains("APP_ENV=staging", output);
        Assert.Empty(await Engine.Images.ListByLabelAsync($"pipeline.repository={Repository}", TestContext.Current.CancellationToken));
        // By name too, which holds whatever labels a build would have put on them.
        Assert.Null(await Engine.Images.InspectAsync($"{Repository}:{Sha}-testing", TestContext.Current.CancellationToken));
        Assert.Null(await Engine.Images.InspectAsync($"{Repository}:{Sha}", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_run_that_goes_on_to_Push_without_Test_builds_no_testing_image()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["Push", "--skip", "StartDeps,Test", "--dryrun"], Environment("develop"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("no testing image: no target of this run uses it (Test does not run)", output);
        Assert.DoesNotContain($"build {Repository}:{Sha}-testing", output);
        Assert.Contains($"build {Repository}:{Sha} from docker/Dockerfile", output);

        var (withTestExit, withTest) = await BuildScript.RunAsync(["Push", "--dryrun"], Environment("develop"));
        Assert.True(withTestExit == 0, withTest);
        Assert.Contains($"build {Repository}:{Sha}-testing from docker/Dockerfile", withTest);
    }

    [Fact]
    public async Task A_failing_Dockerfile_step_stops_DockerBuild_with_that_steps_message()
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", "ARG NODE_IMAGE=node:24-bookworm-slim\nFROM ${NODE_IMAGE}\nRUN echo 'the disk is full' >&2 && exit 3\n"));
        try
        {
            var environment = Environment("develop");
            environment["DOCKER_CONTEXT"] = context;
            environment["DOCKERFILE"] = "Dockerfile";
            var (exitCode, output) = await BuildScript.RunAsync(["DockerBuild", "--skip", "Restore"], environment);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("DockerBuild failed", output);
            Assert.Contains("Step 3/", output);
            Assert.Contains("the disk is full", output);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    /// <summary>The docker CLI, as an independent check of what the images contain.</summary>
    private static class Cli
    {
        public static async Task<int> RunAsync(params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = System.Diagnostics.Process.Start(start)!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
    }
}
