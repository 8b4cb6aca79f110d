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

    /// <summary>The name other containers on the network reach it by, as the app's defaults expect.</summary>
    public string Alias => Role;

    public string PortKey => $"{ContainerPort}/tcp";
}

/// <summary>
/// Names and host ports of the dependency containers. Fixed by default, so a developer finds them again
/// (13306 is the original setup's MySQL port); tests pick their own prefix and port 0 (any free port).
/// </summary>
public sealed record DepsNaming(string Prefix, int MysqlHostPort, int RedisHostPort)
{
    public static DepsNaming Default { get; } = new("pipeline", 13306, 16379);
}
