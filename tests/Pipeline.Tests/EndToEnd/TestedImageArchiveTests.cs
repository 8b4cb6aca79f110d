using System.Text.Json;
using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// --image-archive-dir as the CI jobs use it: Test archives the release image it tested, and a later run without
/// Test (on a machine whose engine lacks the image) deploys that very image instead of building another.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class TestedImageArchiveTests : IAsyncLifetime
{
    private const string Sha = "a2c41bedfeed0123456789abcdef0123456789ab";
    private readonly BuiltImages _images = new("e2e-archive-");
    private readonly string _archive = Directory.CreateTempSubdirectory("pipeline-archive-").FullName;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _images.DisposeAsync();
        Directory.Delete(_archive, recursive: true);
    }

    private string Release => $"{_images.Repository}:{Sha}";

    private DockerEngine Engine => _images.Engine;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Dictionary<string, string> Environment(string archive) => new(StagingHostsHelper.AppIdentity())
    {
        ["AWS_ECR_REPO"] = _images.Repository,
        ["PIPELINE_SHA"] = Sha,
        ["PIPELINE_BRANCH"] = "develop",
        ["IMAGE_ARCHIVE_DIR"] = archive,
    };

    // What a CI deploy job runs before its deploy target: DockerBuild, with Restore and Test skipped.
    private Task<(int ExitCode, string Output)> BuildWithoutTestAsync(string archive, params string[] extra) =>
        BuildScript.RunAsync(["DockerBuild", "--skip", "Restore", .. extra], Environment(archive));

    [Fact]
    public async Task Test_archives_the_tested_release_image_and_a_run_without_Test_loads_that_very_image()
    {
        var (testExit, testOutput) = await BuildScript.RunAsync(["Test"], Environment(_archive));
        Assert.True(testExit == 0, testOutput);
        Assert.Contains("tested image archived:", testOutput);
        var tested = await Engine.Images.InspectAsync(Release, Cancellation);
        Assert.NotNull(tested);
        var manifests = Directory.GetFiles(_archive, "*.json");
        var manifest = Assert.Single(manifests);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(manifest, Cancellation)))
        {
            Assert.Equal(tested.Id, json.RootElement.GetProperty("imageId").GetString());
            Assert.Equal(Release, json.RootElement.GetProperty("reference").GetString());
            // What it was tested against: this run was on the sandbox, so its stand-ins, by reference and ID.
            var testedWith = json.RootElement.GetProperty("testedWith");
            Assert.True(testedWith.GetProperty("sandbox").GetBoolean());
            var images = testedWith.GetProperty("images").EnumerateArray().ToDictionary(i => i.GetProperty("role").GetString()!);
            Assert.Equal(["base", "mysql", "redis"], images.Keys.Order());
            foreach (var image in images.Values)
            {
                var reference = image.GetProperty("reference").GetString()!;
                Assert.StartsWith("127.0.0.1:5000/sandbox/", reference);
                Assert.Equal((await Engine.Images.InspectAsync(reference, Cancellation))?.Id, image.GetProperty("imageId").GetString());
            }
        }

        // A deploy job's machine has neither image.
        foreach (var image in await Engine.Images.ListByLabelAsync($"pipeline.repository={_images.Repository}", Cancellation))
            await Engine.Images.RemoveAsync(image.Id, force: true, Cancellation);
        Assert.Null(await Engine.Images.InspectAsync(Release, Cancellation));

        var (loadExit, loadOutput) = await BuildWithoutTestAsync(_archive);
        Assert.True(loadExit == 0, loadOutput);
        Assert.Contains($"loaded the tested image {Release}", loadOutput);
        Assert.DoesNotContain("built ", loadOutput);
        Assert.Equal(tested.Id, (await Engine.Images.InspectAsync(Release, Cancellation))?.Id);
        Assert.Null(await Engine.Images.InspectAsync(Release + "-testing", Cancellation));

        // A run off the sandbox deploys only what was tested on the pinned images, never the sandbox's stand-ins.
        var (realExit, realOutput) = await BuildScript.RunAsync(
            ["DockerBuild", "--skip", "Restore"], new Dictionary<string, string>(Environment(_archive)) { ["PIPELINE_SANDBOX"] = "off" });
        Assert.NotEqual(0, realExit);
        Assert.Contains($"The archived image {Release} was built and tested on the sandbox's stand-ins", realOutput);
        Assert.Contains("--sandbox off", realOutput);

        // The tag names the commit, not the environment: a production run refuses the staging build.
        var (envExit, envOutput) = await BuildWithoutTestAsync(_archive, "--app-env", "production");
        Assert.NotEqual(0, envExit);
        Assert.Contains("was built with APP_ENV=staging, this run needs production", envOutput);

        // A damaged tarball is never loaded.
        var tarball = Assert.Single(Directory.GetFiles(_archive), f => f.EndsWith(".tar.br") || f.EndsWith(".tar.gz") || f.EndsWith(".tar"));
        await using (var file = new FileStream(tarball, FileMode.Open)) file.SetLength(file.Length / 2);
        var (damagedExit, damagedOutput) = await BuildWithoutTestAsync(_archive);
        Assert.NotEqual(0, damagedExit);
        Assert.Contains("is damaged", damagedOutput);
    }

    [Fact]
    public async Task A_run_without_Test_and_no_archived_image_fails_before_building_or_deploying_anything()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_archive, "empty")).FullName;

        var (dryExit, dryOutput) = await BuildScript.RunAsync(
            ["DeployStaging", "--skip", "Restore,StartDeps,Test", "--dryrun"], Environment(empty));
        Assert.True(dryExit == 0, dryOutput);
        Assert.Contains($"load the tested image {Release} from {empty}", dryOutput);

        var (exitCode, output) = await BuildScript.RunAsync(
            ["DeployStaging", "--skip", "Restore,StartDeps,Test"], Environment(empty));
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"The tested image {Release} is not in the image archive {empty}", output);
        Assert.DoesNotContain("built ", output);
        Assert.Null(await Engine.Images.InspectAsync(Release, Cancellation));
        Assert.Matches(@"Push\s+(not run|skipped)|DeployStaging\s+(not run|skipped)|DockerBuild\s+failed", output);
    }
}
