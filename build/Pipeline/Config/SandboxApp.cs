using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Config;

/// <summary>
/// What the sandbox must provision for this app (sandbox/up.sh --app FILE): its slot, port, env file, services with
/// their schemas, and ECS service. Written from the settings, so any app gets its own load balancer, app ports,
/// services and ECS service without touching another app's; sandbox/README.md describes the file.
/// </summary>
public sealed record SandboxApp(string Name, string Json)
{
    /// <summary>The ECS task definition's container that runs the app (the sandbox's placeholder is found by it).</summary>
    public const string EcsContainer = "app";

    /// <summary>sha256 of the profile's bytes; up.json records it, so a changed profile runs up.sh again.</summary>
    public string Sha => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Json)));

    public static SandboxApp From(PipelineSettings settings, string ecsService)
    {
        var values = settings.Values;
        var services = new JsonArray();
        foreach (var service in settings.Dependencies)
        {
            var schema = service.Schema is { } s
                ? new JsonObject
                {
                    ["file"] = Deps.SchemaFile.Locate(settings, s.File, service.Name),
                    ["import"] = Strings(s.Import ?? Deps.MysqlClientCommand.Import(SchemaImport.FilePlaceholder)),
                }
                : null;
            services.Add(new JsonObject
            {
                ["name"] = service.Name,
                ["image"] = service.Image,
                ["port"] = service.Port,
                ["env"] = Pairs(service.Environment),
                ["ready"] = service.Ready.Kind switch
                {
                    ReadinessProbe.SqlKind => Strings(Deps.MysqlClientCommand.Query(service.Ready.Query!)),
                    ReadinessProbe.ExecKind => Strings(service.Ready.Command!),
                    ReadinessProbe.RespPingKind => Strings(["redis-cli", "ping"]),
                    _ => null,
                },
                ["schema"] = schema,
            });
        }
        var profile = new JsonObject
        {
            ["name"] = settings.AppName,
            ["slot"] = values.Get(PipelineParameters.SandboxSlot) is { } slot ? int.Parse(slot, System.Globalization.CultureInfo.InvariantCulture) : null,
            ["appPort"] = values.Number(PipelineParameters.AppPort),
            ["healthPath"] = values.Get(PipelineParameters.HealthPath),
            ["baseImage"] = settings.EffectiveBaseImage,
            ["envFileName"] = EnvFileName(values.Get(PipelineParameters.StagingEnvFile), settings.AppName),
            ["env"] = Pairs(settings.Dependencies.SelectMany(d => d.AppVariables()).ToDictionary()),
            // Only the sandbox's own cluster gets the app's service; a cluster named for the run is one it points at.
            ["ecs"] = values.Get(PipelineParameters.EcsCluster) is null
                ? new JsonObject { ["service"] = ecsService, ["family"] = ecsService, ["container"] = EcsContainer }
                : null,
            ["services"] = services,
        };
        return new SandboxApp(settings.AppName, profile.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Writes the profile under the sandbox's state dir and returns its path.</summary>
    public string Write(string sandboxDirectory)
    {
        var directory = Path.Combine(sandboxDirectory, "app-profiles");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Name + ".json");
        var temporary = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, Json);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    // The sandbox writes the env file in each host's home: only a plain ~/name can be honoured there.
    private static string EnvFileName(string? setting, string app) =>
        setting is { } file && file.StartsWith("~/", StringComparison.Ordinal) && !file[2..].Contains('/') && file.Length > 2
            ? file[2..]
            : app + ".env";

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    private static JsonObject Pairs(IReadOnlyDictionary<string, string> pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, JsonValue.Create(p.Value))));
}
