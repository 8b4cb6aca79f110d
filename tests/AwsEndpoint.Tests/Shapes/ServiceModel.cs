using System.Text.Json;

namespace AwsEndpoint.Tests.Shapes;

/// <summary>An official botocore service model (service-2.json), read to check that what the endpoint sends and
/// reads has exactly the members and types AWS defines.</summary>
public sealed class ServiceModel
{
    private readonly JsonElement _root;

    private ServiceModel(JsonElement root) => _root = root;

    public static ServiceModel Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: install Debian's awscli (sandbox/up.sh does)");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new ServiceModel(doc.RootElement.Clone());
    }

    public string Metadata(string name) => _root.GetProperty("metadata").GetProperty(name).GetString()!;
    public JsonElement Operation(string name) => _root.GetProperty("operations").GetProperty(name);
    public string OutputShape(string operation) => Operation(operation).GetProperty("output").GetProperty("shape").GetString()!;
    public string InputShape(string operation) => Operation(operation).GetProperty("input").GetProperty("shape").GetString()!;

    public IReadOnlyList<string> Errors(string operation) =>
        Operation(operation).TryGetProperty("errors", out var e) ? e.EnumerateArray().Select(x => x.GetProperty("shape").GetString()!).ToList() : [];

    public bool HasShape(string name) => _root.GetProperty("shapes").TryGetProperty(name, out _);
    public JsonElement Shape(string name) => _root.GetProperty("shapes").GetProperty(name);

    public IReadOnlyList<string> Members(string shape) =>
        Shape(shape).TryGetProperty("members", out var m) ? m.EnumerateObject().Select(p => p.Name).ToList() : [];

    /// <summary>Every place where <paramref name="value"/> breaks the shape: unknown members, wrong JSON types
    /// (timestamps are epoch numbers in the JSON protocol), strings outside an enum.</summary>
    public IEnumerable<string> Violations(string shapeName, JsonElement value, string path)
    {
        var shape = Shape(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object) { yield return $"{path}: expected an object ({shapeName})"; yield break; }
                var members = shape.GetProperty("members");
                foreach (var p in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(p.Name, out var member)) { yield return $"{path}.{p.Name}: not a member of {shapeName}"; continue; }
                    foreach (var v in Violations(member.GetProperty("shape").GetString()!, p.Value, $"{path}.{p.Name}")) yield return v;
                }
                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array) { yield return $"{path}: expected an array ({shapeName})"; yield break; }
                var item = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var i = 0;
                foreach (var e in value.EnumerateArray())
                    foreach (var v in Violations(item, e, $"{path}[{i++}]")) yield return v;
                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object) { yield return $"{path}: expected an object ({shapeName})"; yield break; }
                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var p in value.EnumerateObject())
                    foreach (var v in Violations(valueShape, p.Value, $"{path}.{p.Name}")) yield return v;
                break;
            case "string" or "blob":
                if (value.ValueKind != JsonValueKind.String) { yield return $"{path}: expected a string ({shapeName})"; yield break; }
                if (shape.TryGetProperty("enum", out var values) && values.EnumerateArray().All(x => x.GetString() != value.GetString()))
                    yield return $"{path}: '{value.GetString()}' is not in the enum of {shapeName}";
                break;
            case "integer" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _)) yield return $"{path}: expected an integer ({shapeName})";
                break;
            case "timestamp" or "double" or "float":
                if (value.ValueKind != JsonValueKind.Number) yield return $"{path}: expected a number ({shapeName}, timestamps are epoch seconds)";
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) yield return $"{path}: expected a boolean ({shapeName})";
                break;
            default:
                yield return $"{path}: shape type {type} not checked";
                break;
        }
    }
}
