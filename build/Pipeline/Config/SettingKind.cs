namespace Pipeline.Config;

/// <summary>
/// What values one parameter accepts. SettingsResolver checks every value, from every source, against its
/// parameter's kind before any target runs, so a value bound for a shell line, a URL, a file path or a generated
/// YAML file is refused in one place, naming the setting and where it came from.
/// </summary>
/// <param name="Noun">What a good value is, after "is not": "a valid container name".</param>
/// <param name="Fix">What to do instead, one line.</param>
/// <param name="Problem">
/// Null for a good value, else what is wrong with it in words that never repeat the value (a value can be a secret
/// put in the wrong variable, and a repeated newline or escape sequence would act on the log that shows it).
/// </param>
public sealed record SettingKind(string Noun, string Fix, Func<string, string?> Problem)
{
    /// <summary>The value is JSON: pipeline.json may give it as a list or object, kept as compact JSON text.</summary>
    public bool TakesJson { get; init; }

    /// <summary>A one-line value with the given grammar: forbidden characters first, since they explain best.</summary>
    public static SettingKind Line(string noun, string fix, Func<string, string?>? grammar = null) =>
        new(noun, fix, value => ValueText.FirstForbidden(value, ValueText.IsForbidden) ?? grammar?.Invoke(value));

    /// <summary>A comma-separated list (as <see cref="ParameterValues.List"/> reads it) whose items each have <paramref name="item"/>'s grammar.</summary>
    public static SettingKind ListOf(string noun, string fix, Func<string, string?> item) =>
        Line(noun, fix, value =>
        {
            var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < items.Length; i++)
                if (item(items[i]) is { } problem) return $"item {i + 1} of {items.Length}: {problem}";
            return null;
        });

    /// <summary>"character 3 is ';'" for the first character outside <paramref name="allowed"/>, else null.</summary>
    public static string? FirstOutside(string value, Func<char, bool> allowed) =>
        ValueText.FirstForbidden(value, c => !allowed(c));
}
