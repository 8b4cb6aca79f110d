namespace Pipeline.Config;

/// <summary>Where a setting's value came from, lowest precedence first.</summary>
public enum SettingSource
{
    Default,
    PipelineJson,
    Environment,
    CommandLine,
}

public sealed record ResolvedSetting(ParameterDefinition Parameter, string? Value, SettingSource Source)
{
    public bool IsSet => !string.IsNullOrEmpty(Value);

    /// <summary>Names the place the value came from, for error messages: "--app-env", "APP_ENV", "pipeline.json".</summary>
    public string Origin => Source switch
    {
        SettingSource.CommandLine => Parameter.CliName,
        SettingSource.Environment => Parameter.EnvVar,
        SettingSource.PipelineJson => $"pipeline.json \"{Parameter.Name}\"",
        _ => "the default",
    };

    /// <summary>Like <see cref="Origin"/>, but a default names its setting: "--cache-dir / DOCKER_CACHE_DIR (the default)".</summary>
    public string SettingAndOrigin => Source == SettingSource.Default ? $"{Parameter.CliName} / {Parameter.EnvVar} (the default)" : Origin;
}
