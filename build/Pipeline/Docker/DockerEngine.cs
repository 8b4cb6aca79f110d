namespace Pipeline.Docker;

/// <summary>The Engine API client: every area shares one HttpClient, so connections to the engine are pooled.</summary>
public sealed class DockerEngine : IDockerEngine
{
    private readonly DockerApiClient _api;

    public DockerEngine(DockerEndpoint endpoint, DockerTimeouts? timeouts = null)
    {
        _api = new DockerApiClient(endpoint, timeouts);
        Images = new ImageOperations(_api);
        Builds = new ImageBuilds(_api);
        Containers = new ContainerOperations(_api);
        Networks = new NetworkOperations(_api);
    }

    /// <summary>
    /// A client for the engine a DOCKER_HOST value names (null or empty: the default socket). Nothing is sent until
    /// the first call, so building the pipeline's context never waits on the engine.
    /// </summary>
    public static DockerEngine Connect(string? dockerHost, DockerTimeouts? timeouts = null) =>
        new(DockerEndpoint.Parse(dockerHost), timeouts);

    /// <summary>The engine DOCKER_HOST names, or the default socket.</summary>
    public static DockerEngine FromEnvironment(DockerTimeouts? timeouts = null) =>
        new(DockerEndpoint.FromEnvironment(), timeouts);

    public DockerEndpoint Endpoint => _api.Endpoint;

    public IImageOperations Images { get; }

    public IImageBuilds Builds { get; }

    public IContainerOperations Containers { get; }

    public INetworkOperations Networks { get; }

    public async Task<string> PingAsync(CancellationToken cancellation)
    {
        // /_ping answers "OK" with the API version in a header; /version has it in the body and works the same on
        // every engine, so one metadata call gives both liveness and the version.
        var body = await _api.SendAsync(DockerRequest.Get("/version"), cancellation, timeout: _api.Timeouts.Ping);
        using var json = System.Text.Json.JsonDocument.Parse(body!);
        return json.RootElement.TryGetProperty("ApiVersion", out var version) ? version.GetString() ?? "" : "";
    }

    public void Dispose() => _api.Dispose();
}
