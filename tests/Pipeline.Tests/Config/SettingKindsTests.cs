using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>
/// Every value, from every source, is checked against its parameter's kind while the settings resolve, before any
/// target runs. Errors name the setting and where it came from, and never repeat the value.
/// </summary>
public sealed class SettingKindsTests
{
    private static readonly Dictionary<string, string> NoArgs = new();

    private static ParameterValues FromEnv(string name, string value) =>
        SettingsResolver.Resolve(NoArgs, n => n == name ? value : null, null);

    private static PipelineException RefusedFromEnv(string name, string value) =>
        Assert.Throws<PipelineException>(() => FromEnv(name, value));

    private static void AssertNotEchoed(string value, PipelineException error)
    {
        foreach (var part in new[] { error.Message, error.Fix, error.Detail ?? "" }) Assert.DoesNotContain(value, part);
    }

    /// <summary>Parameters whose values are one line: all but the key and known_hosts lines given as text, and the secrets.</summary>
    public static TheoryData<string> SingleLineParameters() => new(PipelineParameters.All
        .Where(p => p != PipelineParameters.StagingSshPrivateKey && p != PipelineParameters.StagingKnownHosts && !p.IsSecret)
        .Select(p => p.Name));

    // The test command's default is a JSON list, whose quotes would break the JSON the theory writes around it.
    private static string Valid(ParameterDefinition parameter) => parameter.Name == "test-command" ? "npm test"
        : parameter.Default is { Length: > 0 } value ? value
        : parameter.IsFlag ? "true" : parameter.AllowedValues?[0] ?? parameter.Name switch
        {
            "registry" => "registry.example.com",
            "aws-region" => "eu-west-1",
            "base-image" or "cache-images" => "node:22",
            "tag" => "v1",
            "staging-hosts" => "web-1=deploy@10.0.0.5",
            _ => "value",
        };

    [Theory]
    [MemberData(nameof(SingleLineParameters))]
    public void A_trailing_newline_is_refused_from_the_environment_naming_the_variable(string name)
    {
        var parameter = PipelineParameters.Find(name)!;
        var value = Valid(parameter) + "\n";
        var error = RefusedFromEnv(parameter.EnvVar, value);
        Assert.StartsWith(parameter.EnvVar + " ", error.Message);
        Assert.Contains(@"a line break (\n)", error.Message);
        AssertNotEchoed(value, error);
    }

    [Theory]
    [MemberData(nameof(SingleLineParameters))]
    public void A_control_character_is_refused_from_the_command_line_and_pipeline_json_naming_the_source(string name)
    {
        var parameter = PipelineParameters.Find(name)!;
        if (parameter.IsSecret) return; // refused there for being a secret, whatever its value
        var value = Valid(parameter) + "\u001b[2J";
        var cli = Assert.Throws<PipelineException>(() => SettingsResolver.Resolve(new Dictionary<string, string> { [name] = value }, _ => null, null));
        Assert.StartsWith(parameter.CliName + " ", cli.Message);
        var json = Assert.Throws<PipelineException>(() => SettingsResolver.Resolve(NoArgs, _ => null, $$"""{ "{{name}}": "{{Valid(parameter)}}\u001b[2J" }"""));
        Assert.StartsWith($"pipeline.json \"{name}\" ", json.Message);
        AssertNotEchoed(value, cli);
    }

    [Fact]
    public void Every_default_passes_its_own_kind()
    {
        foreach (var parameter in PipelineParameters.All.Where(p => p.Default is not null))
            Assert.True(parameter.ValueKind.Problem(parameter.Default!) is null, $"{parameter.Name}'s default '{parameter.Default}' fails its kind");
    }

    [Theory]
    [InlineData("STAGING_CONTAINER", "sample-app\n")]
    [InlineData("STAGING_CONTAINER", "-sample")]
    [InlineData("STAGING_CONTAINER", "a/../b")]
    [InlineData("STAGING_CONTAINER", "app;reboot")]
    [InlineData("IMAGE_TAG", "v1\n")]
    [InlineData("IMAGE_TAG", "v1;rm -rf /")]
    [InlineData("STAGING_NETWORK", "staging\n")]
    [InlineData("STAGING_NETWORK", "--net=host")]
    [InlineData("STAGING_ENV_FILE", "~/app.env\n")]
    [InlineData("STAGING_ENV_FILE", "--privileged")]
    [InlineData("HEALTH_INTERVAL", "1s\n")]
    [InlineData("HEALTH_INTERVAL", "1s --privileged")]
    [InlineData("AWS_ECR_REPO", "sample-app\n")]
    [InlineData("AWS_ECR_REPO", "Sample-App")]
    [InlineData("STAGING_TAG_PREFIX", "dev;x")]
    [InlineData("STAGING_HOSTS", "web-1=root@10.0.0.5\n")]
    [InlineData("STAGING_HOSTS", "web-1=root@-oProxyCommand=x")]
    [InlineData("STAGING_BRANCH", "develop' || true || 'x")]
    [InlineData("MAIN_BRANCHES", "main,master\n")]
    [InlineData("STAGING_BEFORE_HOST", "lb drain {host}\nreboot")]
    [InlineData("REGISTRY_USER", "deploy\u202e")]
    [InlineData("APP_PORT", "3000'`touch /tmp/x`")]
    [InlineData("APP_PORT", "70000")]
    [InlineData("HEALTH_TIMEOUT", "99999")]
    [InlineData("SSH_TIMEOUT", "ten seconds")]
    [InlineData("LOCK_WAIT", "-1")]
    [InlineData("DEPLOY_TIMEOUT", "0000")]
    [InlineData("KEEP_REVISIONS", "10$(id)")]
    [InlineData("PIPELINE_SHA", "0123456789abcdef'$(id)'")]
    public void A_value_outside_its_kind_is_refused_without_repeating_it(string variable, string value)
    {
        var error = RefusedFromEnv(variable, value);
        Assert.StartsWith(variable + " is not ", error.Message);
        AssertNotEchoed(value, error);
    }

    [Theory]
    [InlineData("STAGING_CONTAINER", "my_app.v2")]
    [InlineData("STAGING_ENV_FILE", "~/my app.env")]
    [InlineData("HEALTH_INTERVAL", "500ms")]
    [InlineData("STAGING_TAG_PREFIX", "{branch}")]
    [InlineData("STAGING_HOSTS", "web-1=deploy@10.0.0.5:2222/127.0.0.1:3001, web-2=10.0.0.6")]
    [InlineData("STAGING_BEFORE_HOST", "aws elbv2 deregister-targets --targets Id=$(host {host})")]
    [InlineData("REGISTRY_USER", "ci bot ünïcode 🚀")]
    [InlineData("CACHE_BUST", "2026-11-25 rebuild")]
    public void Ordinary_values_pass(string variable, string value) =>
        Assert.Equal(value, FromEnv(variable, value)[PipelineParameters.All.Single(p => p.EnvVar == variable)].Value);

    [Fact]
    public void Known_hosts_lines_may_span_lines_but_hold_no_other_control_character()
    {
        Assert.NotNull(FromEnv("STAGING_KNOWN_HOSTS", "host-a ssh-ed25519 AAAA\r\nhost-b ssh-ed25519 BBBB\n"));
        var error = RefusedFromEnv("STAGING_KNOWN_HOSTS", "host-a ssh-ed25519 AAAA\u001b]0;x\u0007");
        Assert.StartsWith("STAGING_KNOWN_HOSTS is not ", error.Message);
    }

    [Fact]
    public void The_error_says_which_character_and_where()
    {
        var error = RefusedFromEnv("STAGING_CONTAINER", "sample-app\n");
        Assert.Equal(@"STAGING_CONTAINER is not a valid container name: character 11 is a line break (\n)", error.Message);
        Assert.Contains("letters, digits", error.Fix);
    }
}
