using Pipeline.Config;

namespace Pipeline.Tests.Config;

public class SettingsResolverTests
{
    private static readonly Dictionary<string, string> NoArgs = new();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Defaults_apply_when_nothing_is_set()
    {
        var values = SettingsResolver.Resolve(NoArgs, Env(), null);
        Assert.Equal("main,master", values.Get(PipelineParameters.MainBranches));
        Assert.Equal(SettingSource.Default, values[PipelineParameters.MainBranches].Source);
        // The repository has no literal default: PipelineSettings derives it from the checkout's directory.
        Assert.Null(values.Get(PipelineParameters.Repository));
    }

    [Fact]
    public void Pipeline_json_overrides_defaults()
    {
        var values = SettingsResolver.Resolve(NoArgs, Env(), """{ "repository": "from-json" }""");
        Assert.Equal("from-json", values.Get(PipelineParameters.Repository));
        Assert.Equal(SettingSource.PipelineJson, values[PipelineParameters.Repository].Source);
    }

    [Fact]
    public void Environment_overrides_pipeline_json()
    {
        var values = SettingsResolver.Resolve(NoArgs, Env(("AWS_ECR_REPO", "from-env")), """{ "repository": "from-json" }""");
        Assert.Equal("from-env", values.Get(PipelineParameters.Repository));
        Assert.Equal(SettingSource.Environment, values[PipelineParameters.Repository].Source);
    }

    [Fact]
    public void Command_line_overrides_environment()
    {
        var values = SettingsResolver.Resolve(
            new Dictionary<string, string> { ["repository"] = "from-cli" },
            Env(("AWS_ECR_REPO", "from-env")),
            """{ "repository": "from-json" }""");
        Assert.Equal("from-cli", values.Get(PipelineParameters.Repository));
        Assert.Equal(SettingSource.CommandLine, values[PipelineParameters.Repository].Source);
    }

    [Fact]
    public void An_invalid_value_names_its_origin_and_the_valid_values()
    {
        var error = Assert.Throws<PipelineException>(() =>
            SettingsResolver.Resolve(new Dictionary<string, string> { ["app-env"] = "prod" }, Env(), null));
        Assert.Contains("--app-env=prod", error.Message);
        Assert.Contains("staging, production", error.Fix);
        Assert.Contains("did you mean 'production'", error.Fix);
    }

    [Fact]
    public void A_secret_on_the_command_line_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<PipelineException>(() =>
            SettingsResolver.Resolve(new Dictionary<string, string> { ["registry-password"] = "hunter2-cli-secret" }, Env(), null));
        Assert.Contains("REGISTRY_PASSWORD", error.Fix);
        Assert.DoesNotContain("hunter2-cli-secret", error.Message + error.Fix + error.Detail);
        Assert.Equal(Redactor.Mask, Redactor.Redact("hunter2-cli-secret"));
    }

    [Fact]
    public void A_secret_in_pipeline_json_is_refused()
    {
        var error = Assert.Throws<PipelineException>(() =>
            SettingsResolver.Resolve(NoArgs, Env(), """{ "registry-password": "json-secret-value" }"""));
        Assert.Contains("pipeline.json", error.Message);
    }

    [Fact]
    public void A_secret_from_the_environment_is_accepted_and_redacted()
    {
        var values = SettingsResolver.Resolve(NoArgs, Env(("REGISTRY_PASSWORD", "env-secret-value-42")), null);
        Assert.Equal("[REDACTED]", values.GetSecret(PipelineParameters.RegistryPassword)!.ToString());
        Assert.Equal("login with [REDACTED]", Redactor.Redact("login with env-secret-value-42"));
    }

    [Fact]
    public void An_unknown_pipeline_json_key_suggests_the_closest_parameter()
    {
        var error = Assert.Throws<PipelineException>(() => SettingsResolver.Resolve(NoArgs, Env(), """{ "repositry": "x" }"""));
        Assert.Contains("repositry", error.Message);
        Assert.Contains("\"repository\"", error.Fix);
    }

    [Fact]
    public void Malformed_pipeline_json_is_reported_as_such()
    {
        var error = Assert.Throws<PipelineException>(() => SettingsResolver.Resolve(NoArgs, Env(), "{ \"repository\": "));
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void Flags_read_true_unless_false_or_zero()
    {
        Assert.True(SettingsResolver.Resolve(new Dictionary<string, string> { ["dryrun"] = "true" }, Env(), null).Flag(PipelineParameters.DryRun));
        Assert.False(SettingsResolver.Resolve(new Dictionary<string, string> { ["dryrun"] = "false" }, Env(), null).Flag(PipelineParameters.DryRun));
        Assert.False(SettingsResolver.Resolve(NoArgs, Env(("PIPELINE_DRYRUN", "0")), null).Flag(PipelineParameters.DryRun));
    }
}
