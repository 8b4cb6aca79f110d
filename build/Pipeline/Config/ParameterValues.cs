namespace Pipeline.Config;

/// <summary>The resolved value and source of every parameter.</summary>
public sealed class ParameterValues(IReadOnlyDictionary<string, ResolvedSetting> settings)
{
    public ResolvedSetting this[ParameterDefinition parameter] => settings[parameter.Name];

    public string? Get(ParameterDefinition parameter) =>
        settings[parameter.Name] is { IsSet: true } s ? s.Value : null;

    public bool IsExplicit(ParameterDefinition parameter) => settings[parameter.Name].Source != SettingSource.Default;

    public bool Flag(ParameterDefinition parameter) =>
        Get(parameter) is { } value && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0";

    public IReadOnlyList<string> List(ParameterDefinition parameter) =>
        (Get(parameter) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Secret? GetSecret(ParameterDefinition parameter) => Get(parameter) is { } value ? new Secret(value) : null;
}
