using Pipeline.Config;

namespace Pipeline.Tests.Config;

public sealed class PipelineSettingsTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private readonly string _root = Directory.CreateTempSubdirectory("settings-").FullName;

    public PipelineSettingsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "docker"));
        File.WriteAllText(Path.Combine(_root, "docker", "Dockerfile"), "ARG NODE_IMAGE=node:24-bookworm-slim\nFROM ${NODE_IMAGE}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PipelineSettings Settings(string branch, string? json = null, Dictionary<string, string>? cli = null, params (string, string)[] env)
    {
        string? Env(string name) => env.FirstOrDefault(v => v.Item1 == name).Item2;
        var values = SettingsResolver.Resolve(cli ?? new(), Env, json ?? """{ "repository": "sample-app" }""");
        return PipelineSettings.From(values, _root, Env, args => args.Contains("--abbrev-ref") ? branch : Sha);
    }

    [Theory]
    [InlineData("main", "production")]
    [InlineData("master", "production")]
    [InlineData("develop", "staging")]
    [InlineData("feature/x", "staging")]
    public void The_release_flavour_follows_the_branch(string branch, string appEnv) =>
        Assert.Equal(appEnv, Settings(branch).ReleaseAppEnv);

    [Fact]
    public void The_release_flavour_can_be_forced() =>
        Assert.Equal("production", Settings("develop", cli: new() { ["app-env"] = "production" }).ReleaseAppEnv);

    [Fact]
    public void Main_branches_are_configurable() =>
        Assert.Equal("production", Settings("trunk", json: """{ "main-branches": "trunk" }""").ReleaseAppEnv);

    [Fact]
    public void A_tls_engine_takes_its_certificates_from_DOCKER_CERT_PATH_as_the_docker_cli_does()
    {
        var tls = Settings("develop", env: [("DOCKER_HOST", "tcp://docker:2376"), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", "/certs")]);
        Assert.Equal("/certs", tls.DockerCertPath);
        var home = Settings("develop", env: ("DOCKER_TLS_VERIFY", "1"));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), home.DockerCertPath);
        Assert.Null(Settings("develop", env: ("DOCKER_CERT_PATH", "/certs")).DockerCertPath);
    }

    [Fact]
    public void No_registry_means_the_sandbox_with_its_stand_in_images()
    {
        var settings = Settings("develop", json: """{ "mysql-image": "mysql:8.0.40" }""");
        Assert.True(settings.IsSandbox);
        Assert.Equal(SandboxProfile.Registry, settings.Registry);
        Assert.Equal(SandboxProfile.MysqlImage, settings.Dependencies.Single(d => d.Name == "mysql").Image);
        Assert.Equal(SandboxProfile.NodeImage, settings.BaseImage);
    }

    [Fact]
    public void An_image_given_for_the_run_is_kept_in_the_sandbox() =>
        Assert.Equal("127.0.0.1:5000/other/mysql:1", Settings("develop", env: ("MYSQL_IMAGE", "127.0.0.1:5000/other/mysql:1")).Dependencies.Single(d => d.Name == "mysql").Image);

    [Fact]
    public void A_configured_registry_uses_the_real_pins()
    {
        var settings = Settings("main", env: ("AWS_ECR_URL", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        Assert.False(settings.IsSandbox);
        Assert.Equal("mysql:8.0.40", settings.Dependencies.Single(d => d.Name == "mysql").Image);
        Assert.Null(settings.BaseImage);
        Assert.Equal("123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-app:latest", settings.Images.Latest);
    }

    [Fact]
    public void A_missing_dockerfile_is_named()
    {
        var error = Assert.Throws<PipelineException>(() => Settings("main", cli: new() { ["dockerfile"] = "nope/Dockerfile" }));
        Assert.Contains("nope/Dockerfile", error.Message);
    }
}
