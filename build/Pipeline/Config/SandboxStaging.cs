using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Config;

/// <summary>
/// The sandbox's staging hosts as sandbox/up.sh wrote them to sandbox.json's "staging" object. Paths in there are
/// absolute and depend on the state dir, so they are read, never assumed.
/// </summary>
public sealed record SandboxStaging(
    IReadOnlyList<SandboxStagingHost> Hosts,
    string IdentityFile,
    string KnownHosts,
    string LoadBalancer,
    string DrainCommand,
    string EnableCommand,
    string? ProxyImage)
{
    /// <summary>The jump host every staging host is reached through ("root@127.0.0.1:2222"), when up.sh puts them behind one.</summary>
    public string? Jump { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Null when sandbox.json or its staging object is missing (up.sh has not run yet).</summary>
    public static SandboxStaging? Read(string sandboxJson)
    {
        if (!File.Exists(sandboxJson)) return null;
        var file = JsonSerializer.Deserialize<SandboxFile>(File.ReadAllText(sandboxJson), Json);
        var staging = file?.Staging;
        if (staging?.Hosts is not { Count: > 0 } || staging.IdentityFile is null || staging.KnownHosts is null) return null;
        return new SandboxStaging(
            staging.Hosts, staging.IdentityFile, staging.KnownHosts, staging.LoadBalancer ?? "",
            staging.DrainCommand ?? "", staging.EnableCommand ?? "",
            file!.Images is { } images && images.TryGetValue("nginx", out var nginx) ? nginx : null)
        {
            Jump = staging.Jump,
        };
    }

    private sealed record SandboxFile(Dictionary<string, string>? Images, StagingObject? Staging);

    private sealed record StagingObject(
        List<SandboxStagingHost>? Hosts, string? IdentityFile, string? KnownHosts, string? LoadBalancer,
        string? DrainCommand, string? EnableCommand, string? Jump);
}

/// <summary>One host of sandbox.json's staging object.</summary>
public sealed record SandboxStagingHost(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("appPort")] int AppPort,
    [property: JsonPropertyName("envFile")] string? EnvFile,
    [property: JsonPropertyName("network")] string? Network);
