namespace Pipeline.Docker;

/// <summary>How the engine is reached: a unix socket path, or a plain-HTTP TCP address.</summary>
public enum DockerTransport
{
    UnixSocket,
    Tcp,
}

/// <summary>
/// Where the Docker engine listens, read from DOCKER_HOST the way the docker CLI reads it.
/// <see cref="Address"/> is the socket path for <see cref="DockerTransport.UnixSocket"/>, and host:port for TCP.
/// </summary>
public sealed record DockerEndpoint(DockerTransport Transport, string Address)
{
    public const string DefaultHost = "unix:///var/run/docker.sock";

    // The port dockerd's unencrypted TCP listener uses by convention; the CLI assumes it too.
    private const int DefaultTcpPort = 2375;

    public static DockerEndpoint Default { get; } = new(DockerTransport.UnixSocket, "/var/run/docker.sock");

    public static DockerEndpoint FromEnvironment() => Parse(Environment.GetEnvironmentVariable("DOCKER_HOST"));

    public static DockerEndpoint Parse(string? dockerHost)
    {
        var value = dockerHost?.Trim();
        if (string.IsNullOrEmpty(value)) return Default;

        if (value.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = value["unix://".Length..];
            if (path.Length == 0 || path[0] != '/') throw Unsupported(value, "a unix socket needs an absolute path");
            return new DockerEndpoint(DockerTransport.UnixSocket, path);
        }

        if (value.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var rest = value["tcp://".Length..].TrimEnd('/');
            if (rest.Length == 0 || rest.Contains('/')) throw Unsupported(value, "expected tcp://host:port");
            var hostPort = rest.Contains(':') && !rest.EndsWith(']') ? rest : $"{rest}:{DefaultTcpPort}";
            if (!Uri.TryCreate("http://" + hostPort, UriKind.Absolute, out var uri) || uri.Port <= 0)
                throw Unsupported(value, "expected tcp://host:port");
            return new DockerEndpoint(DockerTransport.Tcp, $"{uri.Host}:{uri.Port}");
        }

        throw Unsupported(value, "only unix:// and plain tcp:// are supported (no ssh://, npipe:// or TLS)");
    }

    /// <summary>
    /// The HTTP base address. A unix socket has no host, but HttpClient needs one; the connect callback ignores it.
    /// </summary>
    internal Uri BaseAddress => Transport == DockerTransport.UnixSocket
        ? new Uri("http://docker.sock/")
        : new Uri($"http://{Address}/");

    public override string ToString() => Transport == DockerTransport.UnixSocket ? "unix://" + Address : "tcp://" + Address;

    private static PipelineException Unsupported(string value, string why) => new(
        $"DOCKER_HOST '{value}' is not usable: {why}",
        "Unset DOCKER_HOST to use unix:///var/run/docker.sock, or set it to unix:///path or tcp://host:port.");
}
