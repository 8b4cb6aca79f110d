using Pipeline.Build;

namespace Pipeline.Tests.Build;

public sealed class DockerfileArgsTests
{
    [Fact]
    public void The_base_image_default_is_read_from_the_global_ARG_before_the_first_FROM()
    {
        const string dockerfile = "# comment\nARG OTHER=1\nARG NODE_IMAGE=node:22-bookworm-slim\nFROM ${NODE_IMAGE} AS app\nARG NODE_IMAGE=ignored\n";
        Assert.Equal("node:22-bookworm-slim", DockerfileArgs.GlobalDefault(dockerfile, "NODE_IMAGE"));
    }

    [Fact]
    public void An_ARG_inside_a_stage_or_without_a_default_gives_none()
    {
        Assert.Null(DockerfileArgs.GlobalDefault("FROM debian\nARG NODE_IMAGE=node:22\n", "NODE_IMAGE"));
        Assert.Null(DockerfileArgs.GlobalDefault("ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\n", "NODE_IMAGE"));
    }

    [Fact]
    public void The_projects_Dockerfile_names_its_base_image() =>
        Assert.Matches(@"^node:\d+-bookworm-slim$", DockerfileArgs.GlobalDefault(
            File.ReadAllText(Path.Combine(EndToEnd.BuildScript.RepositoryRoot, "docker", "Dockerfile")), "NODE_IMAGE"));
}
