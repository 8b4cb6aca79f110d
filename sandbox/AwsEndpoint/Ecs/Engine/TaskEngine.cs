using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AwsEndpoint.Ecs.Engine;

/// <summary>What the scheduler needs to know about one task container (GET /containers/{id}/json).</summary>
public sealed record ContainerObservation(
    bool Exists, bool Running, int? ExitCode, string? Error, bool OomKilled, string? Health,
    DateTimeOffset? StartedAt, IReadOnlyList<(int ContainerPort, int HostPort, string Protocol)> Ports);

/// <summary>The Docker engine, as far as ECS tasks need it: pull (with the sandbox registry's login), create,
/// start, inspect, stop, remove, list by label, networks. Its own small client rather than build/Pipeline's: the
/// endpoint stands in for AWS and must not share code with the pipeline it is used to test; it needs the raw
/// create body (ECS healthCheck's CMD form, memory, labels verbatim); and up.sh rebuilds the endpoint only from
/// sandbox/AwsEndpoint's own sources.</summary>
public sealed class TaskEngine : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<string, (string User, string Password)?> _registryLogin;
    private readonly SemaphoreSlim _networkGate = new(1, 1);

    public TaskEngine(string? dockerHost, Func<string, (string User, string Password)?> registryLogin)
    {
        _registryLogin = registryLogin;
        var socket = string.IsNullOrEmpty(dockerHost) ? "/var/run/docker.sock"
            : dockerHost.StartsWith("unix://", StringComparison.Ordinal) ? dockerHost["unix://".Length..]
            : throw new ArgumentException($"DOCKER_HOST '{dockerHost}': the sandbox endpoint only talks to a unix socket");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try { await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct); return new NetworkStream(s, ownsSocket: true); }
                catch { s.Dispose(); throw; }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker.sock/v1.41/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Pulls the image; a registry or engine error comes back as the engine's message (ECS shows it as
    /// CannotPullContainerError).</summary>
    public async Task PullAsync(string image, CancellationToken ct)
    {
        var (repository, tag) = SplitImage(image);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"images/create?fromImage={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}");
        var registry = RegistryOf(repository);
        if (_registryLogin(registry) is { } login)
        {
            var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = login.User, ["password"] = login.Password, ["serveraddress"] = registry });
            request.Headers.TryAddWithoutValidation("X-Registry-Auth", Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_'));
        }
        using var deadline = Deadline(ct, TimeSpan.FromMinutes(5));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        var body = await response.Content.ReadAsStringAsync(deadline.Token);
        if (!response.IsSuccessStatusCode) throw new EngineException(Message(body));
        // The stream is 200 even when the pull fails; the failure is its last JSON line.
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("error", out var error)) throw new EngineException(error.GetString() ?? "pull failed");
        }
    }

    public async Task<string> CreateAsync(string name, JsonObject body, CancellationToken ct)
    {
        var created = await SendAsync(HttpMethod.Post, $"containers/create?name={Uri.EscapeDataString(name)}", body, ct);
        return JsonNode.Parse(created!)!["Id"]!.GetValue<string>();
    }

    public Task StartAsync(string id, CancellationToken ct) => SendAsync(HttpMethod.Post, $"containers/{id}/start", null, ct);

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken ct) =>
        await SendAsync(HttpMethod.Post, $"containers/{id}/stop?t={(int)Math.Ceiling(grace.TotalSeconds)}", null, ct, grace + TimeSpan.FromSeconds(30), nullOn404: true);

    public async Task RemoveAsync(string id, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, $"containers/{id}?force=true&v=true", null, ct, nullOn404: true);

    public async Task<ContainerObservation> InspectAsync(string id, CancellationToken ct)
    {
        var body = await SendAsync(HttpMethod.Get, $"containers/{id}/json", null, ct, nullOn404: true);
        if (body is null) return new ContainerObservation(false, false, null, "the container was removed outside ECS", false, null, null, []);
        var root = JsonNode.Parse(body)!;
        var state = root["State"]!;
        var ports = new List<(int, int, string)>();
        if (root["NetworkSettings"]?["Ports"] is JsonObject published)
            foreach (var (key, bindings) in published)
                if (bindings is JsonArray { Count: > 0 } list && int.TryParse(list[0]!["HostPort"]!.GetValue<string>(), out var host))
                    ports.Add((int.Parse(key.Split('/')[0]), host, key.Split('/')[1]));
        var started = DateTimeOffset.TryParse(state["StartedAt"]?.GetValue<string>(), out var s) && s.Year > 1 ? s : (DateTimeOffset?)null;
        var running = state["Running"]!.GetValue<bool>();
        return new ContainerObservation(true, running, running ? null : state["ExitCode"]!.GetValue<int>(),
            state["Error"]?.GetValue<string>() is { Length: > 0 } e ? e : null, state["OOMKilled"]?.GetValue<bool>() ?? false,
            state["Health"]?["Status"]?.GetValue<string>(), started, ports);
    }

    /// <summary>IDs of all containers (running or not) carrying the label "key=value".</summary>
    public async Task<IReadOnlyList<string>> ListByLabelAsync(string label, CancellationToken ct)
    {
        var filters = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [label] }));
        var body = await SendAsync(HttpMethod.Get, $"containers/json?all=true&filters={filters}", null, ct);
        return JsonNode.Parse(body!)!.AsArray().Select(c => c!["Id"]!.GetValue<string>()).ToList();
    }

    /// <summary>Creates the bridge network unless one by that name exists.</summary>
    public async Task EnsureNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        // The engine's CheckDuplicate is best effort: two concurrent creates make two networks of one name, which
        // then is "ambiguous" for every container that names it. One create at a time.
        await _networkGate.WaitAsync(ct);
        try { await EnsureNetworkOnceAsync(name, labels, ct); }
        finally { _networkGate.Release(); }
    }

    private async Task EnsureNetworkOnceAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        if (await SendAsync(HttpMethod.Get, $"networks/{Uri.EscapeDataString(name)}", null, ct, nullOn404: true) is not null) return;
        try
        {
            await SendAsync(HttpMethod.Post, "networks/create", new JsonObject
            {
                ["Name"] = name, ["Driver"] = "bridge", ["CheckDuplicate"] = true,
                ["Labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
            }, ct);
        }
        catch (EngineException)
        {
            // Created by a concurrent launch in the meantime is what we wanted; anything else is a real failure.
            if (await SendAsync(HttpMethod.Get, $"networks/{Uri.EscapeDataString(name)}", null, ct, nullOn404: true) is null) throw;
        }
    }

    /// <summary>IDs of the networks carrying the label "key=value".</summary>
    public async Task<IReadOnlyList<string>> NetworksByLabelAsync(string label, CancellationToken ct)
    {
        var filters = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [label] }));
        var body = await SendAsync(HttpMethod.Get, $"networks?filters={filters}", null, ct);
        return JsonNode.Parse(body!)!.AsArray().Select(n => n!["Id"]!.GetValue<string>()).ToList();
    }

    public async Task RemoveNetworkAsync(string name, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, $"networks/{Uri.EscapeDataString(name)}", null, ct, nullOn404: true);

    public static (string Repository, string Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@');
        if (at >= 0) return (image[..at], image[(at + 1)..]);
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    public static string RegistryOf(string repository)
    {
        var slash = repository.IndexOf('/');
        if (slash < 0) return "docker.io";
        var first = repository[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? first : "docker.io";
    }

    private async Task<string?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct, TimeSpan? limit = null, bool nullOn404 = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var deadline = Deadline(ct, limit ?? TimeSpan.FromSeconds(30));
        try
        {
            using var response = await _http.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (nullOn404 && response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified) throw new EngineException(Message(text));
            return text;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new EngineException($"the Docker engine did not answer {method} /{path}: {e.Message}");
        }
    }

    private static CancellationTokenSource Deadline(CancellationToken ct, TimeSpan limit)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        return cts;
    }

    // Worded as the docker CLI and the ECS container agent word an engine's error answer, so a stopped task's reason
    // reads as on EC2: "CannotPullContainerError: Error response from daemon: manifest for … not found: …".
    private static string Message(string body)
    {
        string message;
        try { message = JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body; }
        catch (JsonException) { message = body; }
        return "Error response from daemon: " + message;
    }

    public void Dispose() => _http.Dispose();
}

public sealed class EngineException(string message) : Exception(message);
