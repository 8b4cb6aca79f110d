using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Deps;

/// <summary>
/// What StartDeps creates, as values: the run's network and the MySQL and Redis containers. Dry runs print it,
/// unit tests assert it, and <see cref="DepsEnvironment"/> sends it.
/// </summary>
public sealed record DepsPlan(
    string RunId, DepsNaming Naming, bool IsSandbox, DependencyService Mysql, DependencyService Redis)
{
    public const string RunIdLabel = "pipeline.run-id";
    public const string SandboxLabel = "pipeline.sandbox";
    /// <summary>On every container and network of the deps, valued with the naming prefix: DepsDown finds them by it.</summary>
    public const string DepsLabel = "pipeline.deps";
    public const string RoleLabel = "pipeline.deps.role";

    /// <summary>Where the schema file is put inside the database container before the import.</summary>
    public const string SchemaDirectory = "/tmp";
    public const string SchemaFileName = "pipeline-database.sql";

    public static DepsPlan For(PipelineSettings settings, string runId, DepsNaming? naming = null) =>
        For(settings.MysqlImage, settings.RedisImage, settings.IsSandbox, runId, naming ?? DepsNaming.Default);

    public static DepsPlan For(string mysqlImage, string redisImage, bool isSandbox, string runId, DepsNaming naming) => new(
        runId,
        naming,
        isSandbox,
        new DependencyService("mysql", "MySQL", $"{naming.Prefix}-mysql", mysqlImage, 3306, naming.MysqlHostPort,
            // The official image and the sandbox's MariaDB both read this; root then has an empty password.
            new Dictionary<string, string> { ["MYSQL_ALLOW_EMPTY_PASSWORD"] = "yes" }),
        new DependencyService("redis", "Redis", $"{naming.Prefix}-redis", redisImage, 6379, naming.RedisHostPort,
            new Dictionary<string, string>()));

    public string Network => $"{Naming.Prefix}-deps-{RunId}";

    public IReadOnlyList<DependencyService> Services => [Mysql, Redis];

    /// <summary>The labels of everything this run creates for its deps; <paramref name="role"/> tells them apart.</summary>
    public IReadOnlyDictionary<string, string> Labels(string role)
    {
        var labels = new Dictionary<string, string>
        {
            [RunIdLabel] = RunId,
            [DepsLabel] = Naming.Prefix,
            [RoleLabel] = role,
        };
        foreach (var (key, value) in RunOwner.Current.Labels()) labels[key] = value;
        // sandbox/down.sh removes what carries this label.
        if (IsSandbox) labels[SandboxLabel] = "true";
        return labels;
    }

    public ContainerCreateRequest CreateRequest(DependencyService service) => new(service.Image)
    {
        Name = service.ContainerName,
        Command = service.Command,
        Environment = service.Environment,
        Labels = Labels(service.Role),
        Network = Network,
        NetworkAliases = [service.Alias],
        Ports = [new PortBinding(service.ContainerPort, service.HostPort)],
    };

    public IEnumerable<string> Describe(DepsOptions options, string schemaFile)
    {
        yield return $"remove stale containers named {Mysql.ContainerName} and {Redis.ContainerName} left by earlier runs (never those of a pipeline still running on this machine)";
        yield return $"create network {Network} (labels {Format(Labels("network"))})";
        foreach (var service in Services)
        {
            var request = CreateRequest(service);
            var port = request.Ports[0];
            yield return $"run {service.ContainerName}: image {service.Image}, alias {service.Alias}, " +
                $"port {port.HostIp}:{(port.HostPort == 0 ? "<any>" : port.HostPort)}->{port.ContainerPort}" +
                (service.Environment.Count == 0 ? "" : $", env {Format(service.Environment)}");
            yield return $"  labels {Format(request.Labels)}";
        }
        yield return $"wait at most {options.Timeout.TotalSeconds:0.#} s until MySQL answers `SELECT 1` " +
            "(its own client, in the container) and Redis answers PING with +PONG on its published port";
        yield return $"import {schemaFile} through {Mysql.ContainerName}'s own mysql client";
        yield return $"start MySQL from the local seed image {SeededDatabase.Repository}:<image and schema hash> when one exists " +
            "(else save one after the import), unless the image keeps its data in a VOLUME";
    }

    internal static string Format(IReadOnlyDictionary<string, string> pairs) =>
        string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}"));
}
