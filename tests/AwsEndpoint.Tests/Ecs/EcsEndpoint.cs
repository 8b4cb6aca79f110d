using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AwsEndpoint.Ecs;
using AwsEndpoint.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(AwsEndpoint.Tests.Ecs.EcsEndpoint))]

namespace AwsEndpoint.Tests.Ecs;

/// <summary>An endpoint for the ECS tests: in-process on a free loopback port with its own key and state dir, a fast
/// scheduler (short tick, health grace and stop grace), and the real Docker engine and sandbox registry. Started on
/// first use; fails (never skips) when the engine, the registry or the node fixture image is missing. Stopping it
/// removes every container and network its tasks made, which <see cref="DisposeAsync"/> checks.</summary>
public sealed class EcsEndpoint : IAsyncDisposable
{
    public const string NodeImage = "127.0.0.1:5000/sandbox/node:24";
    public const string Socket = "/var/run/docker.sock";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;
    private string? _stateDir;
    public Uri Url { get; private set; } = null!;
    public RequestSigner.Key Key { get; private set; } = null!;
    public static readonly EcsSettings Settings = new()
    {
        Tick = TimeSpan.FromMilliseconds(500), HealthGrace = TimeSpan.FromSeconds(2), StopGrace = TimeSpan.FromSeconds(1),
        DockerHost = "unix://" + Socket,
    };

    public async Task<EcsEndpoint> StartedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is null) await StartAsync();
            return this;
        }
        finally { _gate.Release(); }
    }

    private async Task StartAsync()
    {
        await RequireEngineAsync();
        await RequireNodeImageAsync();
        _stateDir = Directory.CreateTempSubdirectory("aws-endpoint-ecs-tests-").FullName;
        Key = new RequestSigner.Key("AKIA" + TestEndpoint.RandomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), TestEndpoint.RandomText(40, null));
        var credentials = Path.Combine(_stateDir, "credentials");
        await File.WriteAllTextAsync(credentials, $"[sandbox]\naws_access_key_id = {Key.AccessKeyId}\naws_secret_access_key = {Key.Secret}\n");
        _app = EndpointHost.Create(new EndpointOptions
        {
            StateDir = _stateDir, Port = 0, CredentialsFile = credentials, RegistryPasswordFile = SandboxPaths.RegistryPasswordFile,
            RegistryDataDir = SandboxPaths.RegistryDataDir, Ecs = Settings,
        }, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        Url = EndpointHost.BoundAddress(_app);
    }

    public string InstanceLabel => $"{TaskContainerSpec.InstanceLabel}={EcsSettings.InstanceId(_stateDir!)}";

    /// <summary>`aws ecs ...` against this endpoint with its key.</summary>
    public Task<CliResult> AwsAsync(CancellationToken ct, params string[] args) => AwsCli.RunAsync(Url, Key, ["ecs", .. args], ct);

    /// <summary>The parsed stdout of a successful `aws ecs ...`.</summary>
    public async Task<JsonNode> AwsOkAsync(CancellationToken ct, params string[] args)
    {
        var r = await AwsAsync(ct, args);
        Assert.True(r.ExitCode == 0, $"aws ecs {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
        return JsonNode.Parse(r.Stdout)!;
    }

    /// <summary>A signed call with the raw JSON answer (the CLI drops members the model does not know, and is slow
    /// for polling).</summary>
    public async Task<RawResponse> CallAsync(string operation, object input, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(input is string s ? s : JsonSerializer.Serialize(input));
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var headers = RequestSigner.Sign(Key, "POST", Url.Authority, "/", body, new Dictionary<string, string>
        {
            ["content-type"] = "application/x-amz-json-1.1", ["x-amz-target"] = "AmazonEC2ContainerServiceV20141113." + operation,
        }, DateTimeOffset.UtcNow, service: "ecs");
        foreach (var (name, value) in headers.Where(h => h.Key is not ("content-type" or "host"))) request.Headers.TryAddWithoutValidation(name, value);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return new RawResponse(response.StatusCode, response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : null,
            response.Content.Headers.ContentType?.MediaType ?? "", doc.RootElement.Clone());
    }

    /// <summary>A successful signed call; every answer is also checked against the operation's output shape in the
    /// model, so each poll of every test is a shape check too.</summary>
    public async Task<JsonNode> OkAsync(string operation, object input, CancellationToken ct)
    {
        var r = await CallAsync(operation, input, ct);
        Assert.True(r.Status == HttpStatusCode.OK, $"{operation}: HTTP {(int)r.Status} {r.Body}");
        var violations = Model.Violations(Model.OutputShape(operation), r.Body, operation).ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        return JsonNode.Parse(r.Body.GetRawText())!;
    }

    public static readonly Shapes.ServiceModel Model = Shapes.ServiceModel.Load(EcsModel.Path);

    /// <summary>A fresh cluster (unique name). Set-up steps use signed calls: the CLI takes seconds to start on a
    /// loaded machine, so it is kept for the steps a test asserts on.</summary>
    public async Task<string> NewClusterAsync(string prefix, CancellationToken ct)
    {
        var name = $"t-{prefix}-{TestEndpoint.RandomText(6, "abcdefghijklmnopqrstuvwxyz0123456789")}";
        await OkAsync("CreateCluster", new { clusterName = name }, ct);
        return name;
    }

    /// <summary>
    /// Waits (bounded) until the service's launch throttle would let a launch through, then runs scheduler passes
    /// itself and awaits them: after this, any launch the rules allow has been made, so "nothing more was launched"
    /// is a fact about the rules, not about how long a test waited.
    /// </summary>
    public async Task PassesWhereALaunchIsAllowedAsync(string cluster, string service, int passes, CancellationToken ct)
    {
        var state = _app!.Services.GetRequiredService<EcsState>();
        var scheduler = _app.Services.GetRequiredService<EcsScheduler>();
        bool Allowed()
        {
            lock (state.Gate) return state.Clusters[cluster].Services[service].Throttle.Allows(state.Now);
        }
        for (var attempt = 0; !Allowed(); attempt++)
        {
            Assert.True(attempt < 1200, $"the launch throttle of {cluster}/{service} still holds launches back");
            await Task.Delay(Settings.Tick, ct);
        }
        for (var pass = 0; pass < passes; pass++) await scheduler.PassAsync(ct);
    }

    public async Task<JsonNode> ServiceAsync(string cluster, string service, CancellationToken ct) =>
        (await OkAsync("DescribeServices", new { cluster, services = new[] { service } }, ct))["services"]![0]!;

    /// <summary>Polls DescribeServices until <paramref name="done"/> holds, at most <paramref name="limit"/>; the
    /// assertion message carries the last answer (deployments and events).</summary>
    public async Task<JsonNode> WaitAsync(string cluster, string service, Func<JsonNode, bool> done, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        JsonNode last;
        while (true)
        {
            last = await ServiceAsync(cluster, service, ct);
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(250, ct);
        }
        Assert.Fail($"service {service} did not get there within {limit.TotalSeconds}s; last answer: {last.ToJsonString()}");
        return last;
    }

    /// <summary>Waits until the cluster has at least <paramref name="count"/> STOPPED tasks, and returns their ARNs.</summary>
    public async Task<IReadOnlyList<string>> WaitStoppedAsync(string cluster, int count, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var arns = (await OkAsync("ListTasks", new { cluster, desiredStatus = "STOPPED" }, ct))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
            var described = arns.Count == 0 ? [] : (await OkAsync("DescribeTasks", new { cluster, tasks = arns }, ct))["tasks"]!.AsArray()
                .Where(t => t!["lastStatus"]!.GetValue<string>() == "STOPPED").Select(t => t!["taskArn"]!.GetValue<string>()).ToList();
            if (described.Count >= count) return described;
            if (DateTime.UtcNow > deadline) Assert.Fail($"cluster {cluster} has {described.Count} stopped tasks, not {count}, after 60s");
            await Task.Delay(250, ct);
        }
    }

    public static JsonNode Primary(JsonNode service) => service["deployments"]!.AsArray().Single(d => d!["status"]!.GetValue<string>() == "PRIMARY")!;

    /// <summary>A minimal task definition: the node fixture running a one-line HTTP server on 3000 (or any command).</summary>
    public static JsonObject Definition(string family, string[]? command = null, JsonObject? healthCheck = null, string image = NodeImage)
    {
        var container = new JsonObject
        {
            ["name"] = "app", ["image"] = image, ["essential"] = true,
            ["command"] = new JsonArray((command ?? ["node", "-e", "require('http').createServer((q,s)=>s.end('ok '+process.env.REV)).listen(3000)"]).Select(c => (JsonNode)c).ToArray()),
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 3000 }),
            ["linuxParameters"] = new JsonObject { ["initProcessEnabled"] = true },
            ["environment"] = new JsonArray(new JsonObject { ["name"] = "REV", ["value"] = family }),
        };
        if (healthCheck is not null) container["healthCheck"] = healthCheck;
        return new JsonObject { ["family"] = family, ["containerDefinitions"] = new JsonArray(container) };
    }

    public async Task<string> RegisterAsync(JsonObject definition, CancellationToken ct) =>
        (await OkAsync("RegisterTaskDefinition", definition, ct))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();

    /// <summary>`aws ecs register-task-definition --cli-input-json`: the CLI validates the input against its model first.</summary>
    public async Task<string> RegisterWithCliAsync(JsonObject definition, CancellationToken ct)
    {
        var file = Path.Combine(_stateDir!, $"td-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, definition.ToJsonString(), ct);
        var r = await AwsOkAsync(ct, "register-task-definition", "--cli-input-json", "file://" + file);
        return r["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    /// <summary>GET on the engine's API over its socket (the test's independent view of containers).</summary>
    public static async Task<JsonNode> EngineGetAsync(string path, CancellationToken ct)
    {
        using var http = EngineClient();
        var text = await http.GetStringAsync("http://docker/v1.41" + path, ct);
        return JsonNode.Parse(text)!;
    }

    private static HttpClient EngineClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket), ct);
            return new NetworkStream(s, ownsSocket: true);
        },
    }) { Timeout = TimeSpan.FromSeconds(20) };

    public static async Task<IReadOnlyList<JsonNode>> ContainersAsync(string label, CancellationToken ct)
    {
        var filters = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [label] }));
        return (await EngineGetAsync($"/containers/json?all=true&filters={filters}", ct)).AsArray().Select(c => c!).ToList();
    }

    private static async Task RequireEngineAsync()
    {
        const string fix = "start the sandbox first: sandbox/up.sh (as root)";
        try
        {
            using var http = EngineClient();
            var ping = await http.GetStringAsync("http://docker/_ping");
            if (ping != "OK") throw new InvalidOperationException($"The Docker engine on {Socket} answered '{ping}' to /_ping: {fix}");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException)
        {
            throw new InvalidOperationException($"The Docker engine on {Socket} does not answer ({e.Message}): {fix}");
        }
    }

    private static async Task RequireNodeImageAsync()
    {
        if (!File.Exists(SandboxPaths.RegistryPasswordFile))
            throw new InvalidOperationException($"{SandboxPaths.RegistryPasswordFile} is missing: start the sandbox first: sandbox/up.sh (as root)");
        using var registry = RegistryImagePusher.CreateClient(SandboxPaths.RegistryPasswordFile);
        using var request = new HttpRequestMessage(HttpMethod.Head, "/v2/sandbox/node/manifests/" + NodeImage.Split(':')[^1]);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        HttpStatusCode status;
        try { status = (await registry.SendAsync(request)).StatusCode; }
        catch (HttpRequestException e) { throw new InvalidOperationException($"The sandbox registry does not answer ({e.Message}): run sandbox/up.sh"); }
        if (status != HttpStatusCode.OK)
            throw new InvalidOperationException($"{NodeImage} is not in the sandbox registry (HEAD answered {(int)status}): run sandbox/up.sh");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            var label = InstanceLabel;
            await _app.StopAsync();
            await _app.DisposeAsync();
            var left = await ContainersAsync(label, CancellationToken.None);
            if (left.Count > 0) throw new InvalidOperationException($"{left.Count} task containers survived the endpoint's shutdown ({label})");
        }
        if (_stateDir is not null) Directory.Delete(_stateDir, recursive: true);
    }
}
