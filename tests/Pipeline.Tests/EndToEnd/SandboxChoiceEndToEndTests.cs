namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A CI run never acts on the sandbox unless asked: it names the pinned public images and no sandbox part, and a
/// run that would push with no registry stops before any target.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class SandboxChoiceEndToEndTests
{
    private static readonly Dictionary<string, string> GitHubRunner = new()
    {
        ["CI"] = "true",
        ["GITHUB_ACTIONS"] = "true",
        ["PIPELINE_SANDBOX"] = "auto",
    };

    [Fact]
    public async Task A_CI_test_run_names_the_pinned_public_images_and_no_sandbox()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["Test", "--dryrun"], GitHubRunner);
        Assert.True(exitCode == 0, output);
        Assert.Contains("target:    no sandbox, because GITHUB_ACTIONS=true", output);
        Assert.Contains("mysql mysql:8.0.40, redis redis:7.2.5, base node:", output);
        Assert.Contains("(the Dockerfile's default)", output);
        Assert.Contains("registry:  none configured", output);
        Assert.DoesNotContain("127.0.0.1:5000", output);
        Assert.DoesNotContain("local sandbox", output);
        Assert.DoesNotContain("==> Sandbox:", output);
        // Restore caches the base image with the dependency images, as the CI files' cache key says.
        Assert.Matches(@"node:\S+: no cache entry yet|node:\S+: nothing if the engine has", output);
    }

    [Fact]
    public async Task A_CI_run_that_would_push_without_a_registry_stops_before_any_target()
    {
        var (exitCode, output) = await BuildScript.RunAsync(["Push", "--dryrun"], GitHubRunner);
        Assert.Equal(2, exitCode);
        Assert.Contains("Push needs a registry, and none is configured (no sandbox, because GITHUB_ACTIONS=true", output);
        Assert.Contains("Set AWS_ECR_URL", output);
        Assert.DoesNotContain("Restore would:", output);
    }
}
