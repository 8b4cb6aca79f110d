namespace Pipeline.Config;

/// <summary>
/// The local stand-ins the pipeline uses when no registry is configured. The names match what sandbox/up.sh
/// creates; sandbox/README.md describes them.
/// </summary>
public sealed record SandboxProfile(string Directory)
{
    public const string Registry = "127.0.0.1:5000";
    public const string RegistryUser = "pipeline";
    // The tag is the major of NODE_VERSION in sandbox/fixtures/node/versions.sh (a unit test checks).
    public const string NodeImage = Registry + "/sandbox/node:24";
    public const string MysqlImage = Registry + "/sandbox/mariadb:10.11";
    public const string RedisImage = Registry + "/sandbox/redis:7.0";
    public const string PostgresImage = Registry + "/sandbox/postgres:15";
    public const string DebianImage = Registry + "/sandbox/debian:bookworm";

    /// <summary>
    /// The sandbox's stand-in for a public image, by its repository's last part (mysql:8.0.40 → MariaDB, postgres:16 →
    /// PostgreSQL 15, node:24-bookworm-slim → its Node build); null when it has none. The sandbox builds its images
    /// from Debian's packages, so majors can differ from the pinned ones: the banner shows both.
    /// </summary>
    public static string? StandIn(string? image)
    {
        if (image is null) return null;
        if (image.StartsWith(Registry + "/", StringComparison.Ordinal)) return image;
        var name = image.Split('@')[0];
        var lastPart = name[(name.LastIndexOf('/') + 1)..];
        return lastPart.Split(':')[0] switch
        {
            "mysql" or "mariadb" => MysqlImage,
            "redis" => RedisImage,
            "postgres" => PostgresImage,
            "node" => NodeImage,
            "debian" => DebianImage,
            _ => null,
        };
    }
    public const string AwsEndpoint = "http://127.0.0.1:4566";
    public const string AwsRegion = "us-east-1";
    public const string AwsProfile = "sandbox";

    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(15);

    public string PasswordFile => Path.Combine(Directory, "registry", "password");

    public string AwsCredentialsFile => Path.Combine(Directory, "aws", "credentials");

    /// <summary>The staging hosts, and this app's load balancer and ports on them, as up.sh made them; null before up.sh has run.</summary>
    public SandboxStaging? ReadStaging(string app) => SandboxStaging.Read(Path.Combine(Directory, "sandbox.json"), app);

    public Secret ReadRegistryPassword()
    {
        if (!File.Exists(PasswordFile))
            throw new PipelineException(
                $"The sandbox registry password is missing ({PasswordFile})",
                "Run sandbox/up.sh (./build.sh does it for you when no registry is configured).");
        return new Secret(File.ReadAllText(PasswordFile).Trim());
    }

    /// <summary>
    /// Runs sandbox/up.sh, which is idempotent and takes about a second when everything is already up, leaving out
    /// the optional <paramref name="without"/> parts (<see cref="SandboxParts"/>), and provisioning <paramref name="app"/>
    /// (its services, env file, load balancer slot and ECS service) when a part it uses is checked.
    /// </summary>
    public async Task EnsureUpAsync(string repositoryRoot, IReadOnlyList<string> without, SandboxApp? app, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repositoryRoot, "sandbox", "up.sh");
        if (SandboxUpRecord.Check(Directory, repositoryRoot, without, app) is not { } why)
        {
            Cli.Log.Note("sandbox: up (its daemons answer as sandbox/up.sh last left them)");
            return;
        }
        Cli.Log.Step($"Sandbox: making sure the local engine, registry and fixture images are up{(app is null ? "" : $", and {app.Name} provisioned")} ({why})");
        List<string> arguments = [script];
        if (without.Count > 0) arguments.AddRange(["--without", string.Join(',', without)]);
        if (app is not null) arguments.AddRange(["--app", app.Write(Directory)]);
        int exitCode;
        try
        {
            exitCode = await LocalProcess.RunAsync(
                "bash", arguments, line => Cli.Log.Note(line), UpTimeout, cancellationToken,
                new Dictionary<string, string> { ["PIPELINE_SANDBOX_DIR"] = Directory });
        }
        catch (TimeoutException e)
        {
            throw new PipelineException("sandbox/up.sh did not finish", "Look at its output above; run it by hand to see where it stops.", e.Message);
        }
        if (exitCode != 0)
            throw new PipelineException(
                $"sandbox/up.sh failed (exit code {exitCode})",
                "Read its message above: it names what to install or start.");
    }
}
