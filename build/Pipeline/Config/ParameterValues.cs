namespace Pipeline.Config;

/// <summary>The resolved value and source of every parameter.</summary>
public sealed class ParameterValues(IReadOnlyDictionary<string, ResolvedSetting> settings)
{
    public ResolvedSetting this[ParameterDefinition parameter] => settings[parameter.Name];

    public string? Get(ParameterDefinition parameter) =>
        settings[parameter.Name] is { IsSet: true } s ? s.Value : null;

    /// <summary>Given for this run (environment or command line), rather than a project default from pipeline.json.</summary>
    public bool IsOverridden(ParameterDefinition parameter) =>
        settings[parameter.Name].Source is SettingSource.Environment or SettingSource.CommandLine;

    public bool Flag(ParameterDefinition parameter) => Get(parameter) is { } value && SettingKinds.IsOn(value);

    /// <summary>A number parameter; its kind (SettingKinds.WholeNumber) checked the digits and range while resolving.</summary>
    public int Number(ParameterDefinition parameter) =>
        int.Parse(Get(parameter)!, System.Globalization.CultureInfo.InvariantCulture);

    public IReadOnlyList<string> List(ParameterDefinition parameter) =>
        (Get(parameter) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Secret? GetSecret(ParameterDefinition parameter) => Get(parameter) is { } value ? new Secret(value) : null;
}
