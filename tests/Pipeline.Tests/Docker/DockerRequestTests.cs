using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class DockerRequestTests
{
    [Fact]
    public void Build_request_carries_every_option_under_the_pinned_version()
    {
        var request = ImageBuilds.ToDockerRequest(new ImageBuildRequest("/repo")
        {
            Dockerfile = "docker/Dockerfile",
            Tags = ["app:1", "app:latest"],
            BuildArgs = new Dictionary<string, string> { ["NODE_ENV"] = "production" },
            Labels = new Dictionary<string, string> { ["run"] = "r1" },
            CacheFrom = ["app:latest"],
        });
        Assert.Equal(
            "POST /v1.41/build?dockerfile=docker%2FDockerfile&t=app%3A1&t=app%3Alatest" +
            "&buildargs=%7B%22NODE_ENV%22%3A%22production%22%7D&labels=%7B%22run%22%3A%22r1%22%7D" +
            "&cachefrom=%5B%22app%3Alatest%22%5D&pull=false&nocache=false&rm=true&forcerm=true",
            request.ToString());
        Assert.Empty(request.Headers);
    }

    [Fact]
    public void Pull_request_splits_registry_repository_and_tag()
    {
        var request = ImageOperations.PullRequest(ImageReference.Parse("127.0.0.1:5000/sandbox/debian:bookworm"), null);
        Assert.Equal("POST /v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fsandbox%2Fdebian&tag=bookworm",
            request.ToString());
        Assert.Contains(RegistryAuthHeaders.AuthHeader, request.Headers.Keys);
    }

    [Fact]
    public void Push_request_names_the_repository_in_the_path_and_the_tag_in_the_query()
    {
        var request = ImageOperations.PushRequest(ImageReference.Parse("127.0.0.1:5000/app:develop-abc1234"), null);
        Assert.Equal("POST /v1.41/images/127.0.0.1:5000/app/push?tag=develop-abc1234", request.ToString());
    }

    [Theory]
    [InlineData("redis", "redis", null, null, "docker.io")]
    [InlineData("redis:7.0", "redis", "7.0", null, "docker.io")]
    [InlineData("library/redis:7.0", "library/redis", "7.0", null, "docker.io")]
    [InlineData("127.0.0.1:5000/sandbox/node:18", "127.0.0.1:5000/sandbox/node", "18", null, "127.0.0.1:5000")]
    [InlineData("localhost/app", "localhost/app", null, null, "localhost")]
    [InlineData("127.0.0.1:5000/app@sha256:0123456789abcdef0123456789abcdef", "127.0.0.1:5000/app", null, "sha256:0123456789abcdef0123456789abcdef", "127.0.0.1:5000")]
    [InlineData("ecr.example.com/app:1@sha256:0123456789abcdef0123456789abcdef", "ecr.example.com/app", "1", "sha256:0123456789abcdef0123456789abcdef", "ecr.example.com")]
    public void Image_names_split_like_the_engine_splits_them(
        string name, string repository, string? tag, string? digest, string registry)
    {
        var image = ImageReference.Parse(name);
        Assert.Equal(new ImageReference(repository, tag, digest), image);
        Assert.Equal(registry, image.Registry);
        Assert.Equal(name, image.ToString());
    }
}
