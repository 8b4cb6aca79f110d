using System.Text;
using Docker.DotNet;
using Pipeline.Config;
using Pipeline.Docker;
using static Pipeline.Tests.Docker.MultiplexedFrames;

namespace Pipeline.Tests.Docker;

/// <summary>
/// Each engine call is built as a value (the library's parameters) before it is sent: these pin what the pipeline
/// asks for. How the library puts the values on the wire is its own, and the integration tests see the engine's
/// answer.
/// </summary>
public sealed class EngineParametersTests
{
    [Fact]
    public void Build_parameters_carry_every_option()
    {
        var parameters = ImageBuilds.Parameters(new ImageBuildRequest("/repo")
        {
            Dockerfile = "docker/Dockerfile",
            Tags = ["app:1", "app:latest"],
            BuildArgs = new Dictionary<string, string> { ["NODE_ENV"] = "production" },
            Labels = new Dictionary<string, string> { ["run"] = "r1" },
            CacheFrom = ["app:latest"],
            Target = "release",
        });
        Assert.Equal("docker/Dockerfile", parameters.Dockerfile);
        Assert.Equal(["app:1", "app:latest"], parameters.Tags);
        Assert.Equal("production", parameters.BuildArgs!["NODE_ENV"]);
        Assert.Equal("r1", parameters.Labels!["run"]);
        Assert.Equal(["[\"app:latest\"]"], parameters.CacheFrom);
        Assert.Equal("release", parameters.Target);
        Assert.Null(parameters.Pull);
        Assert.False(parameters.NoCache);
        // Intermediate containers go even when a step fails.
        Assert.True(parameters.Remove);
        Assert.True(parameters.ForceRemove);
    }

    [Fact]
    public void Build_without_logins_sends_no_registry_header_of_ours()
    {
        Assert.Null(ImageBuilds.Headers(new ImageBuildRequest("/repo")));
    }

    [Fact]
    public void Build_logins_go_in_our_base64url_registry_config_header()
    {
        // A password whose JSON encodes to '+' and '/' in standard base64: the engine reads base64url and silently
        // drops a header it cannot decode, which is why the header is not the library's.
        var login = new RegistryCredentials("127.0.0.1:5000", "pipeline", new Secret("??>>??>>"));
        var header = ImageBuilds.Headers(new ImageBuildRequest("/repo") { Credentials = [login] })!;
        var value = header[RegistryAuthHeaders.ConfigHeader];
        Assert.Matches("[+/]", Convert.ToBase64String(Encoding.UTF8.GetBytes(RegistryAuthHeaders.Decode(value))));
        Assert.DoesNotContain('+', value);
        Assert.DoesNotContain('/', value);
        using var json = System.Text.Json.JsonDocument.Parse(RegistryAuthHeaders.Decode(value));
        Assert.Equal("??>>??>>", json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("password").GetString());
    }

    [Fact]
    public void Pull_parameters_split_registry_repository_and_tag()
    {
        var parameters = ImageOperations.PullParameters(ImageReference.Parse("127.0.0.1:5000/sandbox/debian:bookworm"));
        Assert.Equal("127.0.0.1:5000/sandbox/debian", parameters.FromImage);
        Assert.Equal("bookworm", parameters.Tag);
    }

    [Fact]
    public void Pull_by_digest_puts_the_digest_where_the_tag_goes()
    {
        var parameters = ImageOperations.PullParameters(ImageReference.Parse("127.0.0.1:5000/app@sha256:0123456789abcdef0123456789abcdef"));
        Assert.Equal("127.0.0.1:5000/app", parameters.FromImage);
        Assert.Equal("sha256:0123456789abcdef0123456789abcdef", parameters.Tag);
    }

    [Fact]
    public void Push_names_the_tag_and_defaults_to_latest()
    {
        Assert.Equal("develop-abc1234",
            ImageOperations.PushParameters(ImageReference.Parse("127.0.0.1:5000/app:develop-abc1234")).Tag);
        Assert.Equal("latest", ImageOperations.PushParameters(ImageReference.Parse("127.0.0.1:5000/app")).Tag);
    }

    [Theory]
    [InlineData("redis", "redis", null, null, "docker.io")]
    [InlineData("redis:7.0", "redis", "7.0", null, "docker.io")]
    [InlineData("library/redis:7.0", "library/redis", "7.0", null, "docker.io")]
    [InlineData("127.0.0.1:5000/sandbox/node:24", "127.0.0.1:5000/sandbox/node", "24", null, "127.0.0.1:5000")]
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

    [Fact]
    public void Container_parameters_have_the_engine_shapes_for_ports_healthcheck_env_and_aliases()
    {
        var parameters = ContainerOperations.CreateParameters(new ContainerCreateRequest("127.0.0.1:5000/sandbox/mariadb:10.11")
        {
            Name = "deps-mysql-r1",
            Environment = new Dictionary<string, string> { ["MYSQL_ALLOW_EMPTY_PASSWORD"] = "yes" },
            Labels = new Dictionary<string, string> { ["pipeline.run"] = "r1" },
            Network = "deps-r1",
            NetworkAliases = ["mysql"],
            Ports = [new PortBinding(3306, 13306)],
            Healthcheck = new HealthcheckSpec("mariadb-admin ping", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 30)
            {
                StartPeriod = TimeSpan.FromSeconds(5),
            },
        });
        Assert.Equal("deps-mysql-r1", parameters.Name);
        Assert.Equal("127.0.0.1:5000/sandbox/mariadb:10.11", parameters.Image);
        Assert.Equal(["MYSQL_ALLOW_EMPTY_PASSWORD=yes"], parameters.Env);
        Assert.Equal("r1", parameters.Labels["pipeline.run"]);
        Assert.True(parameters.ExposedPorts!.ContainsKey("3306/tcp"));
        var binding = Assert.Single(parameters.HostConfig!.PortBindings["3306/tcp"]);
        Assert.Equal("127.0.0.1", binding.HostIP);
        Assert.Equal("13306", binding.HostPort);
        Assert.Equal("deps-r1", parameters.HostConfig.NetworkMode);
        Assert.Equal(["mysql"], parameters.NetworkingConfig!.EndpointsConfig["deps-r1"].Aliases);
        var health = parameters.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "mariadb-admin ping"], health.Test);
        Assert.Equal(TimeSpan.FromSeconds(2), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), health.StartPeriod);
        Assert.Equal(30, health.Retries);
    }

    [Fact]
    public void Container_without_command_keeps_the_images_cmd_and_entrypoint()
    {
        var parameters = ContainerOperations.CreateParameters(new ContainerCreateRequest("app:1"));
        Assert.Null(parameters.Cmd);
        Assert.Null(parameters.Entrypoint);
        Assert.Null(parameters.ExposedPorts);
        Assert.Null(parameters.NetworkingConfig);
    }

    [Fact]
    public async Task Multiplexed_output_is_split_into_stdout_and_stderr_even_mid_character()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        using var stream = new MemoryStream([
            .. Frame(1, "price: "u8.ToArray()), .. Frame(1, euro[..1]), .. Frame(2, "warn\n"u8.ToArray()),
            .. Frame(1, [.. euro[1..], .. "5\n"u8.ToArray()]),
        ]);
        var logs = await new MultiplexedStream(stream, multiplexed: true).ReadOutputToEndAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("price: €5\n", "warn\n"), logs);
    }

    [Fact]
    public async Task Truncated_frame_is_an_error_not_silent_loss()
    {
        using var stream = new MemoryStream(Frame(1, "hello"u8.ToArray())[..9]);
        await Assert.ThrowsAnyAsync<IOException>(() =>
            LogLineReader.ReadAsync(stream, framed: true, _ => { }, TestContext.Current.CancellationToken));
    }
}
