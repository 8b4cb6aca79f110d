using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AwsEndpoint.Ecs;

/// <summary>One containerDefinition of a task definition as an Engine API create body (POST /containers/create),
/// the way the ECS agent maps it on an EC2 instance in bridge mode. Mapped: image, command, entryPoint,
/// environment, workingDirectory, user, hostname, dockerLabels, healthCheck, linuxParameters.initProcessEnabled,
/// portMappings (published on 127.0.0.1 only; no hostPort means an engine-picked port), memory and
/// memoryReservation (MiB), cpu (shares), stopTimeout.
/// Stored but not acted on: secrets (no SSM/Secrets Manager here), logConfiguration (the engine's default log),
/// mountPoints/volumes, networkMode (every task joins its cluster's network).</summary>
public static partial class TaskContainerSpec
{
    public const string InstanceLabel = "pipeline.ecs.endpoint";

    [GeneratedRegex("[^a-zA-Z0-9_.-]")]
    private static partial Regex NameUnsafe();

    public static string ContainerName(JsonObject taskDefinition, string container, string taskId) =>
        NameUnsafe().Replace($"ecs-{taskDefinition["family"]}-{taskDefinition["revision"]}-{container}-{taskId[..12]}", "-");

    public static JsonObject CreateBody(JsonObject definition, JsonObject container, TaskIdentity task, string network)
    {
        var name = container["name"]!.GetValue<string>();
        var labels = new JsonObject();
        if (container["dockerLabels"] is JsonObject docker)
            foreach (var (k, v) in docker) labels[k] = v?.DeepClone();
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["pipeline.sandbox"] = "true",
            [InstanceLabel] = task.Instance,
            ["pipeline.ecs.cluster"] = task.Cluster,
            ["pipeline.ecs.service"] = task.Service,
            ["pipeline.ecs.task"] = task.TaskId,
            ["com.amazonaws.ecs.cluster"] = task.Cluster,
            ["com.amazonaws.ecs.task-arn"] = task.TaskArn,
            ["com.amazonaws.ecs.container-name"] = name,
            ["com.amazonaws.ecs.task-definition-family"] = definition["family"]!.GetValue<string>(),
            ["com.amazonaws.ecs.task-definition-version"] = definition["revision"]!.ToString(),
        }) labels[k] = v;

        var body = new JsonObject
        {
            ["Image"] = container["image"]!.GetValue<string>(),
            ["Labels"] = labels,
            ["Env"] = new JsonArray((container["environment"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => (JsonNode)JsonValue.Create($"{e["name"]}={e["value"]}")!).ToArray()),
        };
        if (container["command"] is JsonArray command) body["Cmd"] = command.DeepClone();
        if (container["entryPoint"] is JsonArray entryPoint) body["Entrypoint"] = entryPoint.DeepClone();
        if (Text(container, "workingDirectory") is { } dir) body["WorkingDir"] = dir;
        if (Text(container, "user") is { } user) body["User"] = user;
        if (Text(container, "hostname") is { } hostname) body["Hostname"] = hostname;
        if (Number(container, "stopTimeout") is { } stop) body["StopTimeout"] = stop;
        if (container["healthCheck"] is JsonObject health) body["Healthcheck"] = Healthcheck(health);

        var host = new JsonObject { ["NetworkMode"] = network };
        var mappings = (container["portMappings"] as JsonArray ?? []).OfType<JsonObject>().Where(m => Number(m, "containerPort") is not null).ToList();
        if (mappings.Count > 0)
        {
            var exposed = new JsonObject();
            var bindings = new JsonObject();
            foreach (var m in mappings)
            {
                var key = $"{Number(m, "containerPort")}/{Text(m, "protocol") ?? "tcp"}";
                exposed[key] = new JsonObject();
                // Loopback only: the sandbox is never reachable from the network. "" lets the engine pick a free port.
                var hostPort = Number(m, "hostPort") is > 0 and var p ? p.ToString()! : "";
                bindings[key] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = hostPort });
            }
            body["ExposedPorts"] = exposed;
            host["PortBindings"] = bindings;
        }
        if (Number(container, "memory") is > 0 and var memory) host["Memory"] = (long)memory * 1024 * 1024;
        if (Number(container, "memoryReservation") is > 0 and var reservation) host["MemoryReservation"] = (long)reservation * 1024 * 1024;
        // Docker's minimum is 2 shares; ECS passes cpu 0 as "no reservation" (the engine's default 1024).
        if (Number(container, "cpu") is >= 2 and var cpu) host["CpuShares"] = cpu;
        // linuxParameters.initProcessEnabled is ECS's docker run --init: signals reach a process that is not PID 1.
        if (container["linuxParameters"]?["initProcessEnabled"] is JsonValue init && init.GetValueKind() == JsonValueKind.True) host["Init"] = true;
        body["HostConfig"] = host;
        body["NetworkingConfig"] = new JsonObject
        {
            ["EndpointsConfig"] = new JsonObject { [network] = new JsonObject { ["Aliases"] = new JsonArray(name) } },
        };
        return body;
    }

    /// <summary>ECS's healthCheck is Docker's HEALTHCHECK (same CMD / CMD-SHELL forms), in seconds instead of
    /// nanoseconds; ECS's defaults are interval 30, timeout 5, retries 3, no start period.</summary>
    public static JsonObject Healthcheck(JsonObject health)
    {
        const long second = 1_000_000_000;
        return new JsonObject
        {
            ["Test"] = health["command"]!.DeepClone(),
            ["Interval"] = (Number(health, "interval") ?? 30) * second,
            ["Timeout"] = (Number(health, "timeout") ?? 5) * second,
            ["Retries"] = Number(health, "retries") ?? 3,
            ["StartPeriod"] = (Number(health, "startPeriod") ?? 0) * second,
        };
    }

    private static string? Text(JsonObject o, string member) =>
        o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Number(JsonObject o, string member) =>
        // Parsed from the text: a value may be backed by a JsonElement (registered) or a CLR number (a default we added).
        o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), out var n) ? n : null;
}

/// <summary>Who a container belongs to, for its labels.</summary>
public sealed record TaskIdentity(string Instance, string Cluster, string Service, string TaskId, string TaskArn);
