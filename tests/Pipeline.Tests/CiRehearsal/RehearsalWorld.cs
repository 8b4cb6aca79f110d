using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Build;
using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Staging;
using Pipeline.Tests.EndToEnd;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// The world outside the runner, made of the sandbox's parts as if they were the real ones: the registry and the
/// AWS endpoint as the account's, the staging hosts as the team's hosts. The public images cannot be pulled here,
/// so the sandbox's stand-ins are tagged under the pinned public names, as a runner's cache restore leaves them;
/// the staging hosts get the proxy's pinned nginx the same way. Whatever the rehearsal added is removed after.
/// </summary>
public sealed class RehearsalWorld : IAsyncDisposable
{
    public const string Registry = "127.0.0.1:5000";
    private const string Endpoint = "http://127.0.0.1:4566";
    private const string ProxyImage = "nginx:1.27";

    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly List<string> _addedTags = [];
    private readonly StagingSettings _staging = StagingFixtures.SandboxSettings();
    private readonly SandboxCredentials _credentials = SandboxCredentials.Read();

    public IReadOnlyDictionary<string, string> PinnedImages { get; private set; } = new Dictionary<string, string>();

    public DockerEngine Engine => _engine;

    public async Task PrepareAsync()
    {
        var root = BuildScript.RepositoryRoot;
        var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "pipeline.json")))!;
        var baseImage = DockerfileArgs.GlobalDefault(await File.ReadAllTextAsync(Path.Combine(root, "docker", "Dockerfile")), "NODE_IMAGE")!;
        PinnedImages = new Dictionary<string, string>
        {
            [(string)json["mysql-image"]!] = $"{Registry}/sandbox/mariadb:10.11",
            [(string)json["redis-image"]!] = $"{Registry}/sandbox/redis:7.0",
            [baseImage] = SandboxProfile.NodeImage,
        };
        foreach (var (pinned, standIn) in PinnedImages)
        {
            if (await _engine.Images.InspectAsync(pinned, default) is not null) continue;
            var reference = ImageReference.Parse(pinned);
            await _engine.Images.TagAsync(standIn, reference.Registry == "docker.io" ? reference.Repository : $"{reference.Registry}/{reference.Repository}", reference.Tag!, default);
            _addedTags.Add(pinned);
        }
        // The account's one-time setup the pipeline's own error asks for: the ECR repository exists.
        var repositories = await SandboxAwsCli.RunAsync("ecr", "describe-repositories");
        if (!repositories["repositories"]!.AsArray().Any(r => (string?)r!["repositoryName"] == "sample-app"))
            await SandboxAwsCli.RunAsync("ecr", "create-repository", "--repository-name", "sample-app");
        await using var ssh = new StagingConnections(_staging);
        foreach (var host in _staging.Hosts)
            await ssh.For(host).RunCheckedAsync(RemoteCommand.Script("give the host the proxy's pinned image",
                """
                docker image inspect "$3" >/dev/null 2>&1 && exit 0
                DOCKER_CONFIG=$(mktemp -d); export DOCKER_CONFIG; trap 'rm -rf "$DOCKER_CONFIG"' EXIT
                docker login --username "$1" --password-stdin "$2" >/dev/null
                docker pull --quiet "$2/sandbox/nginx:1.22" >/dev/null
                docker tag "$2/sandbox/nginx:1.22" "$3"
                """, "pipeline", Registry, ProxyImage).WithStdin(new Pipeline.Config.Secret(_credentials.RegistryPassword)), default);
    }

    /// <summary>The repository's variables: as GitHub's vars, and (without the role) in a CircleCI context.</summary>
    public Dictionary<string, string> Variables(bool withRole)
    {
        var sandbox = StagingFixtures.Sandbox();
        var variables = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ECR_URL"] = Registry,
            ["STAGING_HOSTS"] = string.Join(",", sandbox.Hosts.Select(h => $"{h.Name}={h.User}@{h.Address}:{h.Port}/127.0.0.1:{h.AppPort}")),
            ["STAGING_KNOWN_HOSTS"] = File.ReadAllText(sandbox.KnownHosts),
            ["ECS_CLUSTER"] = "sandbox",
            ["ECS_SERVICE"] = "sample-app",
            // The sandbox's task definition names its app container "app", as a team's often does.
            ["ECS_CONTAINER"] = "app",
        };
        // The sandbox's hosts answer only through its jump host, as hosts on a private subnet behind a bastion.
        if (sandbox.Jump is { } jump) variables["STAGING_JUMP"] = jump;
        if (withRole) variables["AWS_ROLE_ARN"] = "arn:aws:iam::000000000000:role/pipeline-deploy";
        return variables;
    }

    public Dictionary<string, string> Secrets() => new() { ["STAGING_SSH_PRIVATE_KEY"] = File.ReadAllText(StagingFixtures.Sandbox().IdentityFile) };

    /// <summary>What assuming the deploy role gives a job: keys the sandbox's AWS endpoint accepts.</summary>
    public Dictionary<string, string> AwsCredentials() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = _credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = _credentials.SecretAccessKey,
    };

    /// <summary>
    /// The machine's own settings any runner here has (this machine's NuGet revocation mode), and where AWS is:
    /// the sandbox's endpoint standing in for AWS's public ones.
    /// </summary>
    public static Dictionary<string, string> Machine()
    {
        var machine = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = Endpoint };
        foreach (var (name, value) in System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value ?? "")))
            if (name.StartsWith("NUGET_", StringComparison.Ordinal) || name.StartsWith("DOTNET_", StringComparison.Ordinal))
                machine[name] = value;
        return machine;
    }

    /// <summary>The image each staging host's container of this version runs, by image ID.</summary>
    public async Task<IReadOnlyList<(string Host, string ImageId, string Running)>> StagingImagesAsync(string container)
    {
        // The account's one-time setup the pipeline's own error asks for: the ECR repository exists.
        var repositories = await SandboxAwsCli.RunAsync("ecr", "describe-repositories");
        if (!repositories["repositories"]!.AsArray().Any(r => (string?)r!["repositoryName"] == "sample-app"))
            await SandboxAwsCli.RunAsync("ecr", "create-repository", "--repository-name", "sample-app");
        await using var ssh = new StagingConnections(_staging);
        var images = new List<(string, string, string)>();
        foreach (var host in _staging.Hosts)
        {
            var answer = await ssh.For(host).RunCheckedAsync(
                RemoteCommand.Of("inspect the deployed container", "docker", "inspect", "--format", "{{.Image}} {{.State.Running}}", container), default);
            var fields = answer.Output.Trim().Split(' ');
            images.Add((host.Name, fields[0], fields[1]));
        }
        return images;
    }

    /// <summary>The config digest (the image ID) of a tag in the registry, read over the distribution API.</summary>
    public async Task<string> RegistryImageIdAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Registry}/v2/{repository}/manifests/{tag}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:" + _credentials.RegistryPassword)));
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{repository}:{tag} is not in the registry ({(int)response.StatusCode})");
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["config"]!["digest"]!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tag in _addedTags)
            await _engine.Images.RemoveAsync(tag, force: false, default);
        _engine.Dispose();
    }

    /// <summary>The sandbox's registry password and AWS keys, as up.sh wrote them.</summary>
    private sealed record SandboxCredentials(string RegistryPassword, string AccessKeyId, string SecretAccessKey)
    {
        public static SandboxCredentials Read()
        {
            var dir = SandboxAwsCli.SandboxDir;
            var password = File.ReadAllText(Path.Combine(dir, "registry", "password")).Trim();
            var ini = File.ReadAllLines(Path.Combine(dir, "aws", "credentials")).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
            return new SandboxCredentials(password, ini["aws_access_key_id"], ini["aws_secret_access_key"]);
        }
    }
}
