using Docker.DotNet;
using Docker.DotNet.LegacyHttp;
using Docker.DotNet.Unix;

namespace Pipeline.Docker;

/// <summary>
/// The engine through the Docker.DotNet client (API 1.41, what dockerd 20.10 speaks): every area shares one client,
/// and every call goes through <see cref="EngineCalls"/> for its limit and its error messages.
/// </summary>
public sealed class DockerEngine : IDockerEngine
{
    /// <summary>Every call is sent under this version, so a newer engine answers the way dockerd 20.10 does.</summary>
    public static readonly Version ApiVersion = new(1, 41);

    private readonly EngineCalls _engine;

    public DockerEngine(DockerEndpoint endpoint, DockerTimeouts? timeouts = null)
    {
        var tls = endpoint.UsesTls ? EngineTls.Load(endpoint.TlsCertPath!) : null;
        _engine = new EngineCalls(Client(endpoint, tls), endpoint, timeouts ?? DockerTimeouts.Default, tls);
        Images = new ImageOperations(_engine);
        Builds = new ImageBuilds(_engine);
        Containers = new ContainerOperations(_engine);
        Networks = new NetworkOperations(_engine);
    }

    /// <summary>
    /// A client for the engine a DOCKER_HOST value names (null or empty: the default socket). Nothing is sent until
    /// the first call, so building the pipeline's context never waits on the engine.
    /// </summary>
    public static DockerEngine Connect(string? dockerHost, DockerTimeouts? timeouts = null) =>
        new(DockerEndpoint.Parse(dockerHost), timeouts);

    /// <summary>The engine DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) names, or the default socket.</summary>
    public static DockerEngine FromEnvironment(DockerTimeouts? timeouts = null) =>
        new(DockerEndpoint.FromEnvironment(), timeouts);

    public DockerEndpoint Endpoint => _engine.Endpoint;

    public IImageOperations Images { get; }

    public IImageBuilds Builds { get; }

    public IContainerOperations Containers { get; }

    public INetworkOperations Networks { get; }

    public async Task<string> PingAsync(CancellationToken cancellation)
    {
        // /version works the same on every engine and carries the API version, so one call gives both liveness
        // and the version.
        var version = await _engine.RunAsync("GET /version",
            (docker, token) => docker.System.GetVersionAsync(token), cancellation, _engine.Timeouts.Ping);
        return version.APIVersion;
    }

    // The transport is chosen here, not by the library's environment switch (DOCKER_DOTNET_NATIVE_HTTP_ENABLED):
    // the error messages rely on how this one fails.
    private static DockerClient Client(DockerEndpoint endpoint, EngineTls? tls)
    {
        var builder = new DockerClientBuilder()
            .WithEndpoint(endpoint.LibraryUri)
            .WithApiVersion(ApiVersion)
            .WithAuthProvider(tls?.Credentials);
        return endpoint.Transport == DockerTransport.UnixSocket
            ? builder.WithTransportOptions(new UnixSocketTransportOptions()).Build()
            : builder.WithTransportOptions(new LegacyHttpTransportOptions()).Build();
    }

    public void Dispose() => _engine.Dispose();
}
