using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

[Collection(DockerEngineCollection.Name)]
public sealed class ImageIntegrationTests(DockerEngineFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void Engine_speaks_the_pinned_api_version()
    {
        Assert.Equal(DockerEngine.ApiVersion.ToString(), fixture.ApiVersion);
    }

    [Fact]
    public async Task Inspect_of_a_missing_image_returns_null()
    {
        Assert.Null(await fixture.Engine.Images.InspectAsync($"pipeline-tests/absent:{fixture.RunId}", Cancellation));
    }

    [Fact]
    public async Task Tag_list_and_remove_work_on_a_built_image()
    {
        var id = await BuildScratchImageAsync("tag-source");
        var repository = $"pipeline-tests/tagged-{fixture.RunId}";
        await fixture.Engine.Images.TagAsync(id, repository, "v1", Cancellation);

        var listed = await fixture.Engine.Images.ListAsync(repository + ":*", Cancellation);
        Assert.Contains(listed, image => image.Id == id && image.RepoTags.Contains(repository + ":v1"));

        Assert.True(await fixture.Engine.Images.RemoveAsync(repository + ":v1", force: false, Cancellation));
        Assert.False(await fixture.Engine.Images.RemoveAsync(repository + ":v1", force: false, Cancellation));
        Assert.Empty(await fixture.Engine.Images.ListAsync(repository, Cancellation));
    }

    [Fact]
    public async Task Pull_from_an_unreachable_registry_says_it_is_unreachable()
    {
        var image = $"127.0.0.1:{FakeEngine.FreeLoopbackPort()}/pipeline-tests/absent:1";
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            fixture.Engine.Images.PullAsync(image, credentials: null, Cancellation));
        Assert.Contains("unreachable", failure.Message);
        Assert.Contains(image, failure.Message);
        Assert.IsNotType<ImageNotFoundException>(failure);
    }

    [Fact]
    public async Task Pull_of_a_missing_image_from_the_sandbox_registry_says_not_found()
    {
        var sandbox = fixture.RequireSandbox();
        var image = $"{sandbox.Registry}/pipeline-tests/absent-{fixture.RunId}:1";
        var failure = await Assert.ThrowsAsync<ImageNotFoundException>(() =>
            fixture.Engine.Images.PullAsync(image, sandbox.Credentials, Cancellation));
        Assert.Equal($"Image {image} not found in registry {sandbox.Registry}", failure.Message);
        Assert.Equal("Check the image name and tag, or push the image first.", failure.Fix);
    }

    [Fact]
    public async Task Pull_with_a_wrong_password_says_the_registry_refused_the_login()
    {
        var sandbox = fixture.RequireSandbox();
        var image = $"{sandbox.Registry}/pipeline-tests/absent-{fixture.RunId}:1";
        var wrong = new RegistryCredentials(sandbox.Registry, sandbox.RegistryUser, new Secret("wrong-password-4712"));
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            fixture.Engine.Images.PullAsync(image, wrong, Cancellation));
        Assert.Equal($"Registry {sandbox.Registry} refused the login while pulling {image} (authentication failed)",
            failure.Message);
        Assert.Contains("username and password", failure.Fix);
        Assert.DoesNotContain("wrong-password-4712", failure.ToString());
    }

    [Fact]
    public async Task Pull_without_a_login_from_the_sandbox_registry_says_a_login_is_needed()
    {
        var sandbox = fixture.RequireSandbox();
        var image = $"{sandbox.Registry}/pipeline-tests/absent-{fixture.RunId}:1";
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            fixture.Engine.Images.PullAsync(image, credentials: null, Cancellation));
        Assert.StartsWith($"Registry {sandbox.Registry} needs a login", failure.Message);
    }

    [Fact]
    public async Task Push_returns_the_digest_and_the_image_pulls_back_by_it()
    {
        var sandbox = fixture.RequireSandbox();
        var id = await BuildScratchImageAsync("push");
        var repository = $"{sandbox.Registry}/pipeline-tests/docker-client";
        await fixture.Engine.Images.TagAsync(id, repository, fixture.RunId, Cancellation);
        var name = $"{repository}:{fixture.RunId}";

        var digest = await fixture.Engine.Images.PushAsync(name, sandbox.Credentials, Cancellation);
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);

        await fixture.Engine.Images.RemoveAsync(name, force: true, Cancellation);
        await fixture.Engine.Images.PullAsync($"{repository}@{digest}", sandbox.Credentials, Cancellation);
        var pulled = await fixture.Engine.Images.InspectAsync($"{repository}@{digest}", Cancellation);
        Assert.NotNull(pulled);
        Assert.Contains($"{repository}@{digest}", pulled.RepoDigests);
    }

    [Fact]
    public async Task Push_with_a_wrong_password_says_authentication_failed_and_hides_the_password()
    {
        var sandbox = fixture.RequireSandbox();
        var id = await BuildScratchImageAsync("bad-login");
        var repository = $"{sandbox.Registry}/pipeline-tests/docker-client";
        await fixture.Engine.Images.TagAsync(id, repository, "bad-login-" + fixture.RunId, Cancellation);
        var wrong = new RegistryCredentials(sandbox.Registry, sandbox.RegistryUser, new Secret("wrong-password-4711"));

        var failure = await Assert.ThrowsAsync<PipelineException>(() => fixture.Engine.Images.PushAsync(
            $"{repository}:bad-login-{fixture.RunId}", wrong, Cancellation));
        Assert.Equal($"Registry {sandbox.Registry} refused the login while pushing {repository}:bad-login-{fixture.RunId} " +
            "(authentication failed)", failure.Message);
        Assert.Contains("username and password", failure.Fix);
        Assert.DoesNotContain("wrong-password-4711", failure.ToString());
        await fixture.Engine.Images.RemoveAsync($"{repository}:bad-login-{fixture.RunId}", force: true, Cancellation);
    }

    [Fact]
    public async Task Build_pulls_a_private_base_image_with_the_registry_config_header()
    {
        var sandbox = fixture.RequireSandbox();
        var repository = $"{sandbox.Registry}/pipeline-tests/docker-client";
        var baseTag = "base-" + fixture.RunId;
        await fixture.Engine.Images.TagAsync(await BuildScratchImageAsync("base"), repository, baseTag, Cancellation);
        var digest = await fixture.Engine.Images.PushAsync($"{repository}:{baseTag}", sandbox.Credentials, Cancellation);
        await fixture.Engine.Images.RemoveAsync($"{repository}:{baseTag}", force: true, Cancellation);
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM {repository}@{digest}\nLABEL {fixture.Label}\nCOPY extra.txt /\n"),
            ("extra.txt", "extra"));
        try
        {
            var anonymous = await Assert.ThrowsAsync<PipelineException>(() =>
                fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation));
            Assert.Contains($"Step 1/3 : FROM {repository}@{digest}", anonymous.Message);

            var id = await fixture.Engine.Builds.BuildAsync(
                new ImageBuildRequest(context) { Credentials = [sandbox.Credentials] }, Cancellation);
            Assert.NotNull(await fixture.Engine.Images.InspectAsync(id, Cancellation));
        }
        finally
        {
            Directory.Delete(context, recursive: true);
            await fixture.Engine.Images.RemoveAsync($"{repository}@{digest}", force: true, Cancellation);
        }
    }

    private async Task<string> BuildScratchImageAsync(string purpose)
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY file.txt /\n"),
            ("file.txt", purpose + fixture.RunId));
        try
        {
            return await fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
