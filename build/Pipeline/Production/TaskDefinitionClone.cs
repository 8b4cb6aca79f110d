using System.Text.Json.Nodes;

namespace Pipeline.Production;

/// <summary>
/// A new revision of a task definition with only the app's image changed. Every member RegisterTaskDefinition
/// accepts is copied verbatim (nested values untouched), so nothing set in the console or by another tool is lost
/// on the way, the failure behind ecs-deploy #186 and #308.
/// </summary>
public static class TaskDefinitionClone
{
    /// <summary>
    /// RegisterTaskDefinitionRequest's members in ecs/2014-11-13/service-2.json. TaskDefinitionModelTests checks
    /// this list against the model, so it is derived, not picked.
    /// </summary>
    public static readonly IReadOnlyList<string> RegisterMembers =
    [
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
        "placementConstraints", "requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode",
        "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
    ];

    /// <summary>Members of a described TaskDefinition that ECS sets itself and RegisterTaskDefinition refuses.</summary>
    public static readonly IReadOnlyList<string> OutputOnlyMembers =
    [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt",
        "deregisteredAt", "registeredBy",
    ];

    public sealed record Result(JsonObject Request, IReadOnlyList<ImageChange> Changes, IReadOnlyList<string> UnknownMembers);

    public sealed record ImageChange(string Container, string OldImage, string NewImage);

    /// <param name="described">DescribeTaskDefinition's taskDefinition.</param>
    /// <param name="tags">DescribeTaskDefinition's tags (only returned with include TAGS).</param>
    /// <param name="isAppContainer">Which containers run the app (the others, e.g. sidecars, keep their image).</param>
    public static Result Clone(JsonObject described, JsonArray? tags, Func<JsonObject, bool> isAppContainer, string newImage)
    {
        var request = new JsonObject();
        var unknown = new List<string>();
        foreach (var (name, value) in described)
        {
            if (RegisterMembers.Contains(name)) request[name] = value?.DeepClone();
            else if (!OutputOnlyMembers.Contains(name)) unknown.Add(name);
        }
        if (tags is { Count: > 0 }) request["tags"] = tags.DeepClone();

        var changes = new List<ImageChange>();
        foreach (var container in (request["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!isAppContainer(container)) continue;
            var old = container["image"]?.GetValue<string>() ?? "";
            container["image"] = newImage;
            changes.Add(new ImageChange(container["name"]?.GetValue<string>() ?? "?", old, newImage));
        }
        if (changes.Count == 0)
        {
            var containers = (request["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(c => $"{c["name"]?.GetValue<string>()} ({c["image"]?.GetValue<string>()})");
            throw new PipelineException(
                $"No container of the task definition runs the app (it has: {string.Join(", ", containers)})",
                "Set --ecs-container / ECS_CONTAINER to the name of the container that runs the app.");
        }
        return new Result(request, changes, unknown);
    }
}
