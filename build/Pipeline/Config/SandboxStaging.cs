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

    /// <summary>The app's slot, when up.sh provisioned it; null when it has not yet (a dry run before the first deploy).</summary>
    public int? Slot { get; init; }

    /// <summary>
    /// Null when sandbox.json or its staging object is missing (up.sh has not run yet). The hosts' app ports, env
    /// files, load balancer and drain commands are <paramref name="app"/>'s, from its entry in "apps".
    /// </summary>
    public static SandboxStaging? Read(string sandboxJson, string app)
    {
        if (!File.Exists(sandboxJson)) return null;
        var file = JsonSerializer.Deserialize<SandboxFile>(File.ReadAllText(sandboxJson), Json);
        var staging = file?.Staging;
        if (staging?.Hosts is not { Count: > 0 } || staging.IdentityFile is null || staging.KnownHosts is null) return null;
        var proxyImage = file!.Images is { } images && images.TryGetValue("nginx", out var nginx) ? nginx : null;
        // An app up.sh has not provisioned yet (a dry run before its first deploy): its hooks as up.sh will write them.
        if (file.Apps?.GetValueOrDefault(app) is not { } mine)
        {
            var lb = staging.LbCommand is { Length: > 0 } command ? $"{command} --app {Staging.ShellQuote.Quote(app)}" : null;
            return new SandboxStaging(staging.Hosts, staging.IdentityFile, staging.KnownHosts, "",
                lb is null ? "" : lb + " drain {host}", lb is null ? "" : lb + " enable {host}", proxyImage) { Jump = staging.Jump };
        }
        var hosts = staging.Hosts.Select(host => mine.Hosts?.FirstOrDefault(h => h.Name == host.Name) is { } own
            ? host with { AppPort = own.AppPort, EnvFile = own.EnvFile }
            : host).ToList();
        return new SandboxStaging(
            hosts, staging.IdentityFile, staging.KnownHosts, mine.LoadBalancer ?? "",
            mine.DrainCommand ?? "", mine.EnableCommand ?? "", proxyImage)
        {
            Jump = staging.Jump,
            Slot = mine.Slot,
        };
    }

    private sealed record SandboxFile(Dictionary<string, string>? Images, StagingObject? Staging, Dictionary<string, AppObject>? Apps);

    private sealed record AppObject(int? Slot, string? LoadBalancer, List<AppHost>? Hosts, string? DrainCommand, string? EnableCommand);

    private sealed record AppHost(string Name, int AppPort, string? EnvFile);

    private sealed record StagingObject(
        List<SandboxStagingHost>? Hosts, string? IdentityFile, string? KnownHosts, string? LoadBalancer,
        string? DrainCommand, string? EnableCommand, string? Jump, string? LbCommand);
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
