namespace Pipeline.Config;

/// <summary>
/// One setting of the pipeline: one kebab-case command-line name, one UPPER_SNAKE environment variable, and a
/// key in pipeline.json (the kebab name). Secrets are never read from pipeline.json or the command line, since
/// both end up in shell history, CI logs and commits.
/// </summary>
public sealed record ParameterDefinition(
    string Name,
    string EnvVar,
    string Description,
    string? Default = null,
    string? DefaultText = null,
    bool IsSecret = false,
    bool IsFlag = false,
    IReadOnlyList<string>? AllowedValues = null,
    SettingKind? Kind = null)
{
    public string CliName => "--" + Name;

    /// <summary>The grammar every value is checked against: the given kind, else a flag's, else one line of text (any value for a secret).</summary>
    public SettingKind ValueKind => Kind ?? (IsFlag ? SettingKinds.Flag : IsSecret ? SettingKinds.Secret : SettingKinds.Text);

    /// <summary>What --help shows as the default: a literal value, or how the value is derived.</summary>
    public string? ShownDefault => DefaultText ?? Default;
}
