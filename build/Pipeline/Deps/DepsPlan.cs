using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Deps;

/// <summary>
/// What StartDeps creates, as values: the run's network and one container per dependency service. Dry runs print
/// it, unit tests assert it, and <see cref="DepsEnvironment"/> sends it.
/// </summary>
public sealed record DepsPlan(
    string RunId, DepsNaming Naming, bool IsSandbox, IReadOnlyList<DependencyService> Services)
{
    public const string RunIdLabel = "pipeline.run-id";
    public const string SandboxLabel = "pipeline.sandbox";
    /// <summary>On every container and network of the deps, valued with the naming prefix: DepsDown finds them by it.</summary>
    public const string DepsLabel = "pipeline.deps";
    public const string RoleLabel = "pipeline.deps.role";

    /// <summary>Where the schema file is put inside the service's container before the import.</summary>
    public const string SchemaDirectory = "/tmp";
    public const string SchemaFileName = "pipeline-schema.sql";
    public const string SchemaPath = SchemaDirectory + "/" + SchemaFileName;

    public static DepsPlan For(PipelineSettings settings, string runId, DepsNaming? naming = null) =>
        For(settings.Dependencies, settings.IsSandbox, runId, naming ?? DepsNaming.Default);

    public static DepsPlan For(IReadOnlyList<DependencySpec> services, bool isSandbox, string runId, DepsNaming naming) =>
        new(runId, naming, isSandbox, services.Select(s => DependencyService.From(s, naming)).ToList());

    /// <summary>The default services (MySQL and Redis) with these images.</summary>
    public static DepsPlan For(string mysqlImage, string redisImage, bool isSandbox, string runId, DepsNaming naming) =>
        For(DependencySpec.Defaults(mysqlImage, redisImage), isSandbox, runId, naming);

    public string Network => $"{Naming.Prefix}-deps-{RunId}";

    /// <summary>The service with this alias; tests and the seed logic ask for one by name.</summary>
    public DependencyService Service(string alias) => Services.Single(s => s.Alias == alias);

    /// <summary>This plan with one service changed (tests give one a command that never starts, say).</summary>
    public DepsPlan With(string alias, Func<DependencyService, DependencyService> change) =>
        this with { Services = Services.Select(s => s.Alias == alias ? change(s) : s).ToList() };

    /// <summary>"pipeline-mysql and pipeline-redis", for messages.</summary>
    public string ContainerNames => Services.Count == 0 ? "no service containers"
        : string.Join(", ", Services.Take(Services.Count - 1).Select(s => s.ContainerName)) +
          (Services.Count > 1 ? " and " : "") + Services[^1].ContainerName;

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

    public IEnumerable<string> Describe(DepsOptions options, Func<DependencyService, string> schemaFile)
    {
        yield return $"remove stale containers named {ContainerNames} left by earlier runs (never those of a pipeline still running on this machine)";
        yield return $"create network {Network} (labels {Format(Labels("network"))})";
        foreach (var service in Services)
        {
            var request = CreateRequest(service);
            var port = request.Ports[0];
            yield return $"run {service.ContainerName}: image {service.Image}, alias {service.Alias}, " +
                $"port {port.HostIp}:{(port.HostPort == 0 ? "<any>" : port.HostPort)}->{port.ContainerPort}" +
                (service.Environment.Count == 0 ? "" : $", env {Format(service.Environment)}");
            yield return $"  labels {Format(request.Labels)}";
            yield return $"  wait at most {options.Timeout.TotalSeconds:0.#} s until it {service.Ready}";
            if (service.Schema is { } schema)
                yield return $"  import {schemaFile(service)} " + (schema.Import is { } import
                    ? $"with `{string.Join(' ', import)}` ({SchemaImport.FilePlaceholder} = {SchemaPath})"
                    : "through its own mysql client");
            if (service.IsMysql && service.Schema is not null)
                yield return $"  start it from the local seed image {SeededDatabase.Repository}:<image and schema hash> when one exists " +
                    "(else save one after the import), unless the image keeps its data in a VOLUME";
        }
    }

    internal static string Format(IReadOnlyDictionary<string, string> pairs) =>
        string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}"));
}
