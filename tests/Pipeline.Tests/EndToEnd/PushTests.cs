using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>./build.sh Push against the sandbox: ECR login through its AWS endpoint, then the real registry.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed class PushTests : IAsyncLifetime
{
    private const string Sha = "abcdef0123456789abcdef0123456789abcdef01";
    private readonly BuiltImages _images = new("e2e-push-");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _images.DisposeAsync();

    private string Repository => _images.Repository;

    private DockerEngine Engine => _images.Engine;

    private Dictionary<string, string> Environment(string branch = "develop") => new()
    {
        ["AWS_ECR_REPO"] = Repository,
        ["PIPELINE_SHA"] = Sha,
        ["PIPELINE_BRANCH"] = branch,
    };

    // Push on its own, as a later CI job runs it after an earlier one built and tested the images.
    private Task<(int ExitCode, string Output)> PushAsync(Dictionary<string, string> environment, params string[] extra) =>
        BuildScript.RunAsync(["Push", "--skip", "StartDeps,Test", .. extra], environment);

    [Fact]
    public async Task Push_logs_in_through_ECR_pushes_the_tag_policy_tag_and_skips_a_second_push()
    {
        var (exitCode, output) = await PushAsync(Environment());
        Assert.True(exitCode == 0, output);
        Assert.Contains("with an ECR token", output);
        Assert.Matches($@"pushed 127\.0\.0\.1:5000/{Repository}:develop-abcdef0 @ sha256:[0-9a-f]{{64}}", output);

        var (secondExit, second) = await PushAsync(Environment());
        Assert.True(secondExit == 0, second);
        Assert.Contains("already holds this image", second);
        Assert.Contains("(already there, not pushed again)", second);
    }

    [Fact]
    public async Task A_tag_that_holds_a_different_image_is_refused_unless_forced()
    {
        var (exitCode, output) = await PushAsync(Environment("main"));
        Assert.True(exitCode == 0, output);
        Assert.Contains($"{Repository}:master-abcdef0 @", output);

        // Same commit, different image: the CACHE_BUST label changes the image ID.
        var changed = Environment("main");
        changed["CACHE_BUST"] = Guid.NewGuid().ToString("N");
        var (refusedExit, refused) = await PushAsync(changed);
        Assert.NotEqual(0, refusedExit);
        Assert.Contains("already holds a different image", refused);
        Assert.Contains("--force-push", refused);

        var (forcedExit, forced) = await PushAsync(changed, "--force-push");
        Assert.True(forcedExit == 0, forced);
        Assert.Contains("replacing it", forced);
    }

    [Fact]
    public async Task An_invalid_explicit_tag_is_refused_before_anything_runs()
    {
        var (exitCode, output) = await PushAsync(Environment(), "--tag", "v1;rm -rf /");
        Assert.NotEqual(0, exitCode);
        // The setting is named, the character shown, and the value never repeated.
        Assert.Contains("--tag is not a valid image tag: character 3 is ';'", output);
        Assert.DoesNotContain("Pipeline run", output);
    }

    [Fact]
    public async Task Rejected_credentials_fail_the_login_naming_their_source()
    {
        // The real-AWS code path, pointed at the sandbox's endpoint and registry, with a key it does not know:
        // the first ECR login (in Restore) fails, before anything is pulled or built.
        var environment = Environment();
        environment["AWS_ECR_URL"] = "127.0.0.1:5000";
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
        environment["AWS_REGION"] = "us-east-1";
        environment["AWS_ACCESS_KEY_ID"] = "AKIDUNKNOWNKEY000001";
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-sandbox-secret-key-0123456789abcd";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        var (exitCode, output) = await PushAsync(environment);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Restore failed: ECR GetAuthorizationToken failed: UnrecognizedClientException", output);
        Assert.Contains("environment variables (AWS_ACCESS_KEY_ID) were rejected", output);
        Assert.DoesNotContain("not-the-sandbox-secret-key-0123456789abcd", output);
    }

    [Fact]
    public async Task Missing_credentials_list_the_sources_that_were_tried()
    {
        var home = Directory.CreateTempSubdirectory("no-aws-home-").FullName;
        try
        {
            var environment = Environment();
            environment["HOME"] = home; // no ~/.aws
            environment["AWS_ECR_URL"] = "127.0.0.1:5000";
            environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
            environment["AWS_REGION"] = "us-east-1";
            environment["AWS_EC2_METADATA_DISABLED"] = "true";
            environment["DOTNET_CLI_HOME"] = home;
            environment["NUGET_PACKAGES"] = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var (exitCode, output) = await PushAsync(environment);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("Restore failed: No AWS credentials were found", output);
            Assert.Contains("AWS_ACCESS_KEY_ID", output);
            Assert.Contains("profile", output);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
