using Pipeline.Config;

namespace Pipeline.Deps;

/// <summary>One dependency container as a value: what runs, under which name and alias, published where.</summary>
public sealed record DependencyService(
    string Role,
    string DisplayName,
    string ContainerName,
    string Image,
    int ContainerPort,
    int HostPort,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Replaces the image's CMD; null keeps it (tests use it for a database that never starts).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public ReadinessProbe Ready { get; init; } = ReadinessProbe.Tcp;

    /// <summary>The schema to import once it is ready; null for none.</summary>
    public SchemaImport? Schema { get; init; }

    /// <summary>The name other containers on the network reach it by (the service's key in "services").</summary>
    public string Alias => Role;

    public string PortKey => $"{ContainerPort}/tcp";

    /// <summary>A MySQL-family service: ready by a SQL query, its schema imported by its own client, seedable.</summary>
    public bool IsMysql => Ready.Kind == ReadinessProbe.SqlKind;

    /// <summary>The service as the run starts it: named with the run's prefix, published on its fixed port or any.</summary>
    public static DependencyService From(DependencySpec spec, DepsNaming naming) =>
        new(spec.Name, spec.Name, $"{naming.Prefix}-{spec.Name}", spec.Image, spec.Port,
            naming.AnyHostPort ? 0 : spec.HostPort, spec.Environment)
        {
            Ready = spec.Ready,
            Schema = spec.Schema,
        };
}

/// <summary>
/// Names and host ports of the dependency containers. Fixed by default, so a developer finds them again
/// (13306 is the original setup's MySQL port); tests pick their own prefix and any free port.
/// </summary>
public sealed record DepsNaming(string Prefix, bool AnyHostPort = false)
{
    public static DepsNaming Default { get; } = new("pipeline");
}
