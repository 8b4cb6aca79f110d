using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

[Collection(DockerEngineCollection.Name)]
public sealed class ImageBuildIntegrationTests(DockerEngineFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scratch_build_copies_a_file_and_the_image_carries_its_labels()
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY hello.txt /hello.txt\nCOPY . /context/\n"),
            ("hello.txt", "hello"),
            ("ignored.log", "not sent"),
            ("logs/deep.log", "not sent either"),
            (".dockerignore", "*.log\n**/*.log\n"));
        try
        {
            var tag = $"pipeline-tests/scratch:{fixture.RunId}";
            var id = await fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context)
            {
                Tags = [tag],
                Labels = new Dictionary<string, string> { ["org.example.purpose"] = "docker-client-test" },
                BuildArgs = new Dictionary<string, string> { ["UNUSED"] = "x" },
            }, Cancellation);

            Assert.StartsWith("sha256:", id);
            var image = await fixture.Engine.Images.InspectAsync(tag, Cancellation);
            Assert.NotNull(image);
            Assert.Equal(id, image.Id);
            Assert.Contains(tag, image.RepoTags);
            Assert.Equal("docker-client-test", image.Labels["org.example.purpose"]);
            Assert.Equal(fixture.RunId, image.Labels[DockerEngineFixture.LabelKey]);

            // What the engine was sent, read back out of the image: the whole context but the .dockerignore'd files.
            var container = await fixture.Engine.Containers.CreateAsync(new ContainerCreateRequest(tag)
            {
                Command = ["/none"], Labels = new Dictionary<string, string> { [DockerEngineFixture.LabelKey] = fixture.RunId },
            }, Cancellation);
            try
            {
                Assert.Equal("hello"u8.ToArray(), await fixture.Engine.Containers.ReadFileAsync(container, "/hello.txt", 1024, Cancellation));
                Assert.Equal("hello"u8.ToArray(), await fixture.Engine.Containers.ReadFileAsync(container, "/context/hello.txt", 1024, Cancellation));
                Assert.NotNull(await fixture.Engine.Containers.ReadFileAsync(container, "/context/Dockerfile", 1024, Cancellation));
                Assert.Null(await fixture.Engine.Containers.ReadFileAsync(container, "/context/ignored.log", 1024, Cancellation));
                Assert.Null(await fixture.Engine.Containers.ReadFileAsync(container, "/context/logs/deep.log", 1024, Cancellation));
            }
            finally
            {
                await fixture.Engine.Containers.RemoveAsync(container, Cancellation);
            }
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Dockerfile_in_a_subdirectory_builds_with_the_repository_root_as_context()
    {
        var context = DockerEngineFixture.CreateContext(
            ("docker/Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY src/app.txt /app.txt\n"),
            ("src/app.txt", "app"),
            (".dockerignore", "*\n!src\n"));
        try
        {
            var id = await fixture.Engine.Builds.BuildAsync(
                new ImageBuildRequest(context) { Dockerfile = "docker/Dockerfile" }, Cancellation);
            Assert.NotNull(await fixture.Engine.Images.InspectAsync(id, Cancellation));
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Cache_from_replaces_the_local_cache_in_the_legacy_builder()
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY cached.txt /\n"), ("cached.txt", fixture.RunId));
        try
        {
            var first = await fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation);
            var local = await fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation);
            var unrelated = await fixture.Engine.Builds.BuildAsync(
                new ImageBuildRequest(context) { CacheFrom = [await fixture.ShellImageAsync()] }, Cancellation);
            var named = await fixture.Engine.Builds.BuildAsync(
                new ImageBuildRequest(context) { CacheFrom = [first] }, Cancellation);

            // Image IDs hash the creation time, so an equal ID means every step came from the cache.
            Assert.Equal(first, local);
            Assert.NotEqual(first, unrelated);
            Assert.Equal(first, named);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Copy_of_a_missing_file_fails_naming_the_step()
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY missing.txt /\n"));
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineException>(() =>
                fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation));
            Assert.Contains("Step 3/3 : COPY missing.txt /", failure.Message);
            Assert.Contains("missing.txt", failure.Detail);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Failing_run_step_fails_naming_the_step()
    {
        // The sandbox's Debian image when it is there, else the shell image made from this machine's dash:
        // either way the step has a shell, runs, and exits 1.
        var debian = fixture.Sandbox?.Images.GetValueOrDefault("debian");
        var haveDebian = debian is not null && await fixture.Engine.Images.InspectAsync(debian, Cancellation) is not null;
        var baseImage = haveDebian ? debian! : await fixture.ShellImageAsync();
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM {baseImage}\nLABEL {fixture.Label}\nRUN false\n"));
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineException>(() =>
                fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation));
            Assert.Contains("Step 3/3 : RUN false", failure.Message);
            Assert.Contains("returned a non-zero code: 1", failure.Message);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Dockerfile_syntax_error_is_a_pipeline_exception()
    {
        var context = DockerEngineFixture.CreateContext(("Dockerfile", "FROM scratch\nNOTANINSTRUCTION x\n"));
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineException>(() =>
                fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation));
            Assert.Contains("NOTANINSTRUCTION", failure.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
