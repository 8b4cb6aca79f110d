using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AwsEndpoint.Ecs.Shapes;

namespace AwsEndpoint.Ecs;

/// <summary>Registered task definitions, kept as the JSON they were registered with: every member
/// RegisterTaskDefinition accepts comes back verbatim from DescribeTaskDefinition, plus what ECS adds itself
/// (ARN, revision, status, requiresAttributes, compatibilities, registeredAt/By) and ECS's documented defaults for
/// members left out (cpu 0, essential true, empty lists, protocol tcp). Callers hold EcsState.Gate.</summary>
public sealed partial class TaskDefinitionRegistry(string region, string account)
{
    /// <summary>RegisterTaskDefinitionRequest's members in ecs/2014-11-13 (a test compares this list with the model).</summary>
    public static readonly IReadOnlyList<string> RegisterMembers =
    [
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes", "placementConstraints",
        "requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators",
        "ephemeralStorage", "runtimePlatform",
    ];

    // The model's TaskDefinition members, in the model's order (the order DescribeTaskDefinition prints them in).
    private static readonly string[] OutputOrder =
    [
        "taskDefinitionArn", "containerDefinitions", "family", "taskRoleArn", "executionRoleArn", "networkMode", "revision", "volumes",
        "status", "requiresAttributes", "placementConstraints", "compatibilities", "runtimePlatform", "requiresCompatibilities", "cpu",
        "memory", "inferenceAccelerators", "pidMode", "ipcMode", "proxyConfiguration", "registeredAt", "deregisteredAt", "registeredBy",
        "ephemeralStorage",
    ];

    private readonly Dictionary<string, List<JsonObject>> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Tag>> _tags = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex FamilyPattern();

    public (JsonObject Definition, List<Tag> Tags) Register(JsonElement input, DateTimeOffset now)
    {
        if (input.ValueKind != JsonValueKind.Object) throw new Protocol.AwsServiceException("SerializationException", "Start of structure or map found where not expected.");
        var request = JsonObject.Create(input)!;
        var family = String(request, "family") ?? throw EcsErrors.Missing("family");
        if (!FamilyPattern().IsMatch(family))
            throw EcsErrors.Client("Family contains invalid characters, or is too long. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.");
        if (request["containerDefinitions"] is not JsonArray containers) throw EcsErrors.Missing("containerDefinitions");
        if (containers.Count == 0) throw EcsErrors.Client("Container list cannot be empty.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in containers)
        {
            if (c is not JsonObject container) throw EcsErrors.Client("Container definition must be an object.");
            var name = String(container, "name");
            if (string.IsNullOrEmpty(name)) throw EcsErrors.Client("Container.name should not be null or empty.");
            if (string.IsNullOrEmpty(String(container, "image"))) throw EcsErrors.Client("Container.image should not be null or empty.");
            if (!names.Add(name)) throw EcsErrors.Client($"Duplicate container names are not allowed: {name}.");
        }
        if (String(request, "networkMode") is { } mode && mode is not ("bridge" or "host" or "awsvpc" or "none"))
            throw EcsErrors.InvalidParameter($"Invalid networkMode '{mode}'.");
        if (!containers.Any(c => c!["essential"] is not JsonValue v || v.GetValueKind() != JsonValueKind.False))
            throw EcsErrors.Client("Task definition must have at least one essential container.");

        var revisions = _families.TryGetValue(family, out var list) ? list : _families[family] = [];
        var revision = revisions.Count + 1;
        var arn = $"arn:aws:ecs:{region}:{account}:task-definition/{family}:{revision}";
        var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var member in RegisterMembers.Where(m => m != "tags" && request.ContainsKey(m)))
            fields[member] = request[member]!.DeepClone();
        foreach (var c in ((JsonArray)fields["containerDefinitions"]!).Cast<JsonObject>()) AddContainerDefaults(c);
        fields["taskDefinitionArn"] = arn;
        fields["revision"] = revision;
        fields.TryAdd("volumes", new JsonArray());
        fields.TryAdd("placementConstraints", new JsonArray());
        fields["status"] = "ACTIVE";
        fields["requiresAttributes"] = RequiresAttributes(fields);
        fields["compatibilities"] = String(request, "networkMode") == "awsvpc" ? new JsonArray("EC2", "FARGATE") : new JsonArray("EC2");
        fields["registeredAt"] = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        fields["registeredBy"] = $"arn:aws:iam::{account}:root";
        var definition = new JsonObject();
        foreach (var member in OutputOrder.Where(fields.ContainsKey)) definition[member] = fields[member];
        revisions.Add(definition);

        var tags = request["tags"] is JsonArray t ? t.Deserialize<List<Tag>>(Protocol.AwsJson.Options) ?? [] : [];
        _tags[arn] = tags;
        return ((JsonObject)definition.DeepClone(), tags);
    }

    /// <summary>By "family" (its latest ACTIVE revision), "family:revision" or the full ARN; null when there is none.</summary>
    public JsonObject? Find(string reference)
    {
        var name = reference;
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            var slash = name.IndexOf(":task-definition/", StringComparison.Ordinal);
            if (slash < 0) return null;
            name = name[(slash + ":task-definition/".Length)..];
        }
        var colon = name.LastIndexOf(':');
        if (colon < 0)
            return _families.TryGetValue(name, out var all) ? all.LastOrDefault(d => d["status"]!.GetValue<string>() == "ACTIVE") : null;
        if (!int.TryParse(name[(colon + 1)..], out var revision) || !_families.TryGetValue(name[..colon], out var revisions)) return null;
        return revision >= 1 && revision <= revisions.Count ? revisions[revision - 1] : null;
    }

    public JsonObject Require(string? reference) =>
        Find(reference ?? throw EcsErrors.Missing("taskDefinition")) ?? throw EcsErrors.TaskDefinitionNotFound();

    public IReadOnlyList<Tag> TagsOf(JsonObject definition) =>
        _tags.GetValueOrDefault(definition["taskDefinitionArn"]!.GetValue<string>()) ?? [];

    public JsonObject Deregister(string? reference, DateTimeOffset now)
    {
        var definition = Require(reference);
        if (definition["status"]!.GetValue<string>() == "ACTIVE")
        {
            definition["status"] = "INACTIVE";
            definition["deregisteredAt"] = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        }
        return definition;
    }

    public IReadOnlyList<string> List(string? family, string status, bool descending)
    {
        var rows = _families.Where(f => family is null || f.Key == family)
            .SelectMany(f => f.Value.Where(d => d["status"]!.GetValue<string>() == status).Select(d => (Family: f.Key, Revision: d["revision"]!.GetValue<int>(), Arn: d["taskDefinitionArn"]!.GetValue<string>())));
        var sorted = descending
            ? rows.OrderByDescending(r => r.Family, StringComparer.Ordinal).ThenByDescending(r => r.Revision)
            : rows.OrderBy(r => r.Family, StringComparer.Ordinal).ThenBy(r => r.Revision);
        return sorted.Select(r => r.Arn).ToList();
    }

    /// <summary>Family names starting with <paramref name="prefix"/>, sorted; ACTIVE: with an ACTIVE revision,
    /// INACTIVE: with none, ALL: both.</summary>
    public IReadOnlyList<string> Families(string? prefix, string status) =>
        _families.Where(f => prefix is null || f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Where(f => status == "ALL" || f.Value.Any(d => d["status"]!.GetValue<string>() == "ACTIVE") == (status == "ACTIVE"))
            .Select(f => f.Key).Order(StringComparer.Ordinal).ToList();

    // What a describe of a freshly registered definition shows for members the caller left out.
    private static void AddContainerDefaults(JsonObject container)
    {
        container.TryAdd("cpu", 0);
        if (container["portMappings"] is JsonArray mappings)
            foreach (var m in mappings.OfType<JsonObject>()) m.TryAdd("protocol", "tcp");
        else container["portMappings"] = new JsonArray();
        container.TryAdd("essential", true);
        container.TryAdd("environment", new JsonArray());
        container.TryAdd("mountPoints", new JsonArray());
        container.TryAdd("volumesFrom", new JsonArray());
    }

    // The capabilities ECS derives from the definition (a subset of AWS's list: the ones these members imply).
    private static JsonArray RequiresAttributes(IReadOnlyDictionary<string, JsonNode?> fields)
    {
        var names = new List<string>();
        var containers = ((JsonArray)fields["containerDefinitions"]!).Cast<JsonObject>().ToList();
        if (containers.Any(c => c["logConfiguration"]?["logDriver"]?.GetValue<string>() == "awslogs"))
        {
            names.Add("com.amazonaws.ecs.capability.logging-driver.awslogs");
            if (fields.ContainsKey("executionRoleArn")) names.Add("ecs.capability.execution-role-awslogs");
        }
        names.Add("com.amazonaws.ecs.capability.docker-remote-api.1.19");
        if (fields.ContainsKey("taskRoleArn")) names.Add("com.amazonaws.ecs.capability.task-iam-role");
        if (containers.Any(c => c.ContainsKey("healthCheck"))) names.Add("ecs.capability.container-health-check");
        if (containers.Any(c => c["secrets"] is JsonArray { Count: > 0 }))
        {
            names.Add("ecs.capability.secrets.asm.environment-variables");
            names.Add("ecs.capability.secrets.ssm.environment-variables");
        }
        if (containers.Any(c => c.ContainsKey("healthCheck")) || fields.ContainsKey("executionRoleArn")) names.Add("com.amazonaws.ecs.capability.docker-remote-api.1.24");
        if (fields.TryGetValue("networkMode", out var mode) && mode?.GetValue<string>() == "awsvpc") names.Add("ecs.capability.task-eni");
        return new JsonArray(names.Distinct().Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray());
    }

    private static string? String(JsonObject o, string member) =>
        o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
