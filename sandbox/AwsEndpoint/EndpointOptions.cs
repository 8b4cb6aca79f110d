namespace AwsEndpoint;

/// <summary>Where the endpoint listens and which sandbox files it reads. Every path derives from the state dir
/// that sandbox/up.sh uses, so the script only passes <c>--StateDir</c>; tests override single files.</summary>
public sealed record EndpointOptions
{
    public required string StateDir { get; init; }
    /// <summary>Always bound to loopback: the sandbox must never be reachable from the network. 0 picks a free port (tests).</summary>
    public int Port { get; init; } = 4566;
    public string Region { get; init; } = "us-east-1";
    public string AccountId { get; init; } = "000000000000";
    public string RegistryUrl { get; init; } = "http://127.0.0.1:5000";
    public string RegistryUser { get; init; } = "pipeline";
    public string? CredentialsFile { get; init; }
    public string? RegistryPasswordFile { get; init; }
    public string? RegistryDataDir { get; init; }
    /// <summary>How ECS tasks run (scheduler tick, health grace, engine).</summary>
    public Ecs.EcsSettings Ecs { get; init; } = new();

    public string CredentialsPath => CredentialsFile ?? Path.Combine(StateDir, "aws", "credentials");
    public string RegistryPasswordPath => RegistryPasswordFile ?? Path.Combine(StateDir, "registry", "password");
    public string RegistryDataPath => RegistryDataDir ?? Path.Combine(StateDir, "registry", "data");
    /// <summary>Repositories made by CreateRepository before anything was pushed to them (a plain registry has no empty repositories).</summary>
    public string EcrRepositoriesPath => Path.Combine(StateDir, "aws", "ecr-repositories.json");

    /// <summary>The registry's host:port as it appears in image references and repositoryUri.</summary>
    public string RegistryHost => new Uri(RegistryUrl).Authority;

    public static EndpointOptions FromConfiguration(IConfiguration config)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var stateDir = config["StateDir"] ?? Environment.GetEnvironmentVariable("PIPELINE_SANDBOX_DIR") ?? Path.Combine(home, ".pipeline-sandbox");
        var defaults = new EndpointOptions { StateDir = stateDir };
        return defaults with
        {
            StateDir = Path.GetFullPath(stateDir),
            Port = int.TryParse(config["Port"], out var port) ? port : defaults.Port,
            Region = config["Region"] ?? defaults.Region,
            AccountId = config["AccountId"] ?? defaults.AccountId,
            RegistryUrl = config["RegistryUrl"] ?? defaults.RegistryUrl,
            RegistryUser = config["RegistryUser"] ?? defaults.RegistryUser,
            CredentialsFile = config["CredentialsFile"],
            RegistryPasswordFile = config["RegistryPasswordFile"],
            RegistryDataDir = config["RegistryDataDir"],
            Ecs = new Ecs.EcsSettings
            {
                Tick = Seconds(config["EcsTickSeconds"]) ?? defaults.Ecs.Tick,
                HealthGrace = Seconds(config["EcsHealthGraceSeconds"]) ?? defaults.Ecs.HealthGrace,
                StopGrace = Seconds(config["EcsStopGraceSeconds"]) ?? defaults.Ecs.StopGrace,
                DockerHost = config["DockerHost"] ?? defaults.Ecs.DockerHost,
            },
        };
    }

    private static TimeSpan? Seconds(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : null;
}
