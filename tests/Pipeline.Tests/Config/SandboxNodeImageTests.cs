using System.Text.RegularExpressions;
using Pipeline.Build;
using Pipeline.Config;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Config;

/// <summary>
/// The Node major is named in three places that must agree: the version the sandbox's node image is built with
/// (sandbox/fixtures/node/versions.sh, which also gives the image its tag), the pipeline's name for that image, and
/// the Dockerfile's default base image, which CI builds on.
/// </summary>
public sealed class SandboxNodeImageTests
{
    private static string PinnedMajor()
    {
        var versions = File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "sandbox", "fixtures", "node", "versions.sh"));
        var match = Regex.Match(versions, @"^NODE_VERSION=(\d+)\.\d+\.\d+$", RegexOptions.Multiline);
        Assert.True(match.Success, "versions.sh pins NODE_VERSION=<major>.<minor>.<patch>");
        return match.Groups[1].Value;
    }

    [Fact]
    public void The_sandbox_node_image_is_tagged_with_the_pinned_major()
    {
        Assert.Equal(SandboxProfile.NodeImage, $"{SandboxProfile.Registry}/sandbox/node:{PinnedMajor()}");
    }

    [Fact]
    public void The_Dockerfile_defaults_to_the_official_image_of_the_same_major()
    {
        var dockerfile = File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "docker", "Dockerfile"));
        Assert.Equal($"node:{PinnedMajor()}-bookworm-slim", DockerfileArgs.GlobalDefault(dockerfile, "NODE_IMAGE"));
    }
}
