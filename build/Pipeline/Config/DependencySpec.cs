namespace Pipeline.Config;

/// <summary>
/// One dependency service the tests run next to (pipeline.json's "services"): its image, the alias it has on the
/// test network (the key), the port it listens on, its environment, how to tell it is ready, and an optional schema.
/// </summary>
public sealed record DependencySpec(
    string Name,
    string Image,
    int Port,
    int HostPort,
    IReadOnlyDictionary<string, string> Environment,
    ReadinessProbe Ready,
    SchemaImport? Schema)
{
    /// <summary>What the app and its tests are given to reach this service: &lt;NAME&gt;_HOST and &lt;NAME&gt;_PORT.</summary>
    public IEnumerable<KeyValuePair<string, string>> AppVariables() => AppVariables(Name, Port);

    /// <summary>
    /// MYSQL_HOST=mysql and MYSQL_PORT=3306 for alias mysql, MY_CACHE_HOST for my-cache: the same on the test network
    /// and in the staging hosts' env file.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> AppVariables(string alias, int port)
    {
        var prefix = new string(alias.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        yield return new($"{prefix}_HOST", alias);
        yield return new($"{prefix}_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The default set, today's sample app's: MySQL with docker/database.sql and Redis, on the host ports a developer
    /// knows from the original setup (13306, 16379).
    /// </summary>
    public static IReadOnlyList<DependencySpec> Defaults(string mysqlImage, string redisImage) =>
    [
        // The official image and the sandbox's MariaDB both read this; root then has an empty password.
        new("mysql", mysqlImage, 3306, 13306, new Dictionary<string, string> { ["MYSQL_ALLOW_EMPTY_PASSWORD"] = "yes" },
            ReadinessProbe.Sql("SELECT 1"), new SchemaImport(DefaultSchemaFile, null)),
        new("redis", redisImage, 6379, 16379, new Dictionary<string, string>(), ReadinessProbe.RespPing, null),
    ];

    public const string DefaultSchemaFile = "docker/database.sql";
}

/// <summary>
/// How a service shows it is ready: a SQL query through the MySQL client in its container, a RESP PING on its
/// published port, a TCP connect to it, or a command in the container that exits 0.
/// </summary>
public sealed record ReadinessProbe(string Kind, string? Query, IReadOnlyList<string>? Command)
{
    public const string SqlKind = "sql";
    public const string RespPingKind = "resp-ping";
    public const string TcpKind = "tcp";
    public const string ExecKind = "exec";
    public static readonly string[] Kinds = [SqlKind, RespPingKind, TcpKind, ExecKind];

    public static ReadinessProbe Sql(string query) => new(SqlKind, query, null);
    public static readonly ReadinessProbe RespPing = new(RespPingKind, null, null);
    public static readonly ReadinessProbe Tcp = new(TcpKind, null, null);
    public static ReadinessProbe Exec(IReadOnlyList<string> command) => new(ExecKind, null, command);

    public override string ToString() => Kind switch
    {
        SqlKind => $"answers `{Query}` through its own mysql client",
        RespPingKind => "answers PING with +PONG on its published port",
        TcpKind => "accepts a TCP connection on its published port",
        _ => $"`{string.Join(' ', Command!)}` exits 0 in the container",
    };
}

/// <summary>
/// A schema file (relative to the build context, else the repository) and the command that imports it, run in the
/// service's container with "{file}" replaced by where the file was copied. A null command is the MySQL client.
/// </summary>
public sealed record SchemaImport(string File, IReadOnlyList<string>? Import)
{
    public const string FilePlaceholder = "{file}";
}
