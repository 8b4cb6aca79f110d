using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

/// <summary>The YAML reading and error reporting the rules share.</summary>
public static partial class CircleCiRules
{
    // Reusing config, "Parameter syntax": the parameter types and the keys of a parameter declaration.
    private static readonly string[] ParameterTypes = ["string", "boolean", "integer", "enum", "steps", "executor", "env_var_name"];

    private sealed partial class Checker
    {
        private void Error(string path, string section, string message) =>
            Errors.Add(new(path, section.Length == 0 ? Reference : $"{Reference}#{section}", message));

        /// <summary>Config 2.1 refuses keys it does not expect, so every key outside <paramref name="allowed"/> is an error.</summary>
        private void AllowOnly(YamlMappingNode map, string path, string section, IReadOnlyCollection<string> allowed)
        {
            foreach (var (key, _) in Pairs(map))
                if (!allowed.Contains(key))
                    Error($"{path}.{key}", section, $"`{key}` is not allowed here (allowed: {string.Join(", ", allowed)})");
        }

        private void RequireKey(YamlMappingNode map, string path, string section, string key)
        {
            if (Child(map, key) is null) Error(path, section, $"{key} is required");
        }

        private bool IsMapAt(YamlNode node, string path, string section, string what)
        {
            if (node is YamlMappingNode) return true;
            Error(path, section, $"must be {what}");
            return false;
        }

        private void Environment(YamlNode node, string path, string section)
        {
            if (!IsMapAt(node, path, section, "a map of environment variable names to values")) return;
            foreach (var (name, value) in Pairs(node))
                if (value is not YamlScalarNode)
                    Error($"{path}.{name}", section, "an environment variable's value must be a scalar");
        }

        /// <summary>Parameter declarations: each a map with a type (required), default, description and, for enum, enum.</summary>
        private void Parameters(YamlNode node, string path, string section, string[]? types)
        {
            if (!IsMapAt(node, path, section, "a map of parameter declarations")) return;
            types ??= ParameterTypes;
            foreach (var (name, declaration) in Pairs(node))
            {
                var at = $"{path}.{name}";
                if (!IsMapAt(declaration, at, section, "a parameter declaration map with a type")) continue;
                AllowOnly((YamlMappingNode)declaration, at, section, ["type", "default", "description", "enum"]);
                var type = Text(Child(declaration, "type"));
                if (type is null)
                    Error(at, section, "a parameter needs a type");
                else if (!types.Contains(type))
                    Error($"{at}.type", section, $"`{type}` is not a parameter type here (allowed: {string.Join(", ", types)})");
                if (type == "enum" && Child(declaration, "enum") is not YamlSequenceNode { Children.Count: > 0 })
                    Error(at, section, "an enum parameter needs a non-empty enum list");
            }
        }

        private static bool IsStringOrList(YamlNode node) =>
            node is YamlScalarNode || node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode);
    }

    private static IEnumerable<KeyValuePair<string, YamlNode>> Pairs(YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Select(c => KeyValuePair.Create(Name(c.Key), c.Value)) : [];

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static string Name(YamlNode key) => (key as YamlScalarNode)?.Value ?? key.ToString();

    /// <summary>The map-valued entries of a top-level section, such as the job definitions under jobs.</summary>
    private static Dictionary<string, YamlMappingNode> Entries(YamlMappingNode root, string section) =>
        Pairs(Child(root, section)).Where(p => p.Value is YamlMappingNode).ToDictionary(p => p.Key, p => (YamlMappingNode)p.Value);

    // CircleCI reads YAML 1.1 booleans; a << parameters.x >> reference is only known once the config is compiled.
    private static bool IsBool(YamlNode node) =>
        IsReference(node) || Text(node)?.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off";

    private static bool IsReference(YamlNode node) => Text(node)?.Contains("<<") == true;

    private static string Listed(IEnumerable<string> keys) => keys.Any() ? string.Join(", ", keys) : "none";
}
