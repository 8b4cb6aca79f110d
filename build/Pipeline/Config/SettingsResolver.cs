using System.Text.Json;

namespace Pipeline.Config;

/// <summary>
/// Resolves every parameter once: defaults &lt; pipeline.json &lt; environment variables &lt; command line.
/// Secrets are accepted only from the environment. Every value is checked against its parameter's kind here, so
/// nothing a stage reads can hold what its kind refuses.
/// </summary>
public static class SettingsResolver
{
    public static ParameterValues Resolve(
        IReadOnlyDictionary<string, string> commandLine,
        Func<string, string?> environment,
        string? pipelineJson)
    {
        var fromJson = ReadPipelineJson(pipelineJson);
        var resolved = new Dictionary<string, ResolvedSetting>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in PipelineParameters.All)
        {
            var setting = new ResolvedSetting(parameter, parameter.Default, SettingSource.Default);
            if (fromJson.TryGetValue(parameter.Name, out var jsonValue))
                setting = setting with { Value = jsonValue, Source = SettingSource.PipelineJson };
            if (environment(parameter.EnvVar) is { Length: > 0 } envValue)
                setting = setting with { Value = envValue, Source = SettingSource.Environment };
            if (commandLine.TryGetValue(parameter.Name, out var cliValue))
                setting = setting with { Value = cliValue, Source = SettingSource.CommandLine };

            RefuseSecretOutsideEnvironment(setting);
            ValidateKind(setting);
            ValidateAllowedValue(setting);
            if (parameter.IsSecret && setting.Value is { } secret) Redactor.Register(secret);
            resolved[parameter.Name] = setting;
        }
        return new ParameterValues(resolved);
    }

    private static void RefuseSecretOutsideEnvironment(ResolvedSetting setting)
    {
        if (!setting.Parameter.IsSecret || setting.Source is SettingSource.Default or SettingSource.Environment) return;
        if (setting.Value is { } leaked) Redactor.Register(leaked);
        throw new PipelineException(
            $"{setting.Parameter.Name} is a secret and was given in {setting.Origin}",
            $"Set the environment variable {setting.Parameter.EnvVar} instead (and remove it from there): command lines and pipeline.json end up in logs and commits.");
    }

    /// <summary>The one check every value passes, whatever its source; the error never repeats the value.</summary>
    private static void ValidateKind(ResolvedSetting setting)
    {
        if (string.IsNullOrEmpty(setting.Value)) return;
        var kind = setting.Parameter.ValueKind;
        if (kind.Problem(setting.Value) is not { } problem) return;
        throw new PipelineException($"{setting.Origin} is not {kind.Noun}: {problem}", kind.Fix);
    }

    private static void ValidateAllowedValue(ResolvedSetting setting)
    {
        var allowed = setting.Parameter.AllowedValues;
        if (allowed is null || setting.Value is null || allowed.Contains(setting.Value)) return;
        var closest = NameSuggestions.Closest(setting.Value, allowed);
        throw new PipelineException(
            $"{setting.Origin}={setting.Value} is not a valid {setting.Parameter.Name}",
            $"Use one of: {string.Join(", ", allowed)}" + (closest is null ? "." : $" (did you mean '{closest}'?)"));
    }

    private static Dictionary<string, string> ReadPipelineJson(string? json)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(json)) return values;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PipelineException("pipeline.json is not valid JSON", "Fix the file at the position below.", e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new PipelineException("pipeline.json must hold one JSON object", "Write it as { \"repository\": \"my-app\", ... }.");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.StartsWith('$')) continue; // "$comment" and "$schema" are documentation
                var parameter = PipelineParameters.Find(property.Name) ?? throw UnknownKey(property.Name);
                values[parameter.Name] = property.Value.ValueKind switch
                {
                    // Compact JSON text: a kind that takes JSON reads it back, and it stays one line.
                    JsonValueKind.Array or JsonValueKind.Object when parameter.ValueKind.TakesJson => JsonSerializer.Serialize(property.Value),
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.Array => string.Join(",", property.Value.EnumerateArray().Select(e => e.ToString())),
                    _ => throw new PipelineException($"pipeline.json \"{property.Name}\" must be a string, number, boolean or list" + (parameter.ValueKind.TakesJson ? " or object" : ""), "Change its value."),
                };
            }
        }
        return values;
    }

    private static PipelineException UnknownKey(string key)
    {
        var closest = NameSuggestions.Closest(key, PipelineParameters.All.Select(p => p.Name));
        return new PipelineException(
            $"pipeline.json has an unknown key \"{key}\"",
            (closest is null ? "" : $"Did you mean \"{closest}\"? ") + "./build.sh --help lists every parameter.");
    }
}
