namespace Pipeline.Docker;

/// <summary>How the engine is reached: a unix socket path, or a TCP address (plain, or TLS with client certificates).</summary>
public enum DockerTransport
{
    UnixSocket,
    Tcp,
}

/// <summary>
/// Where the Docker engine listens, read from DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH the way the docker
/// CLI reads them. <see cref="Address"/> is the socket path for <see cref="DockerTransport.UnixSocket"/>, and
/// host:port for TCP. <see cref="TlsCertPath"/> is set when a TCP engine is reached over TLS.
/// </summary>
public sealed record DockerEndpoint(DockerTransport Transport, string Address)
{
    public const string DefaultHost = "unix:///var/run/docker.sock";

    // The ports dockerd's TCP listeners use by convention, plain and TLS; the CLI assumes them too.
    private const int DefaultTcpPort = 2375;
    private const int DefaultTlsPort = 2376;

    public static DockerEndpoint Default { get; } = new(DockerTransport.UnixSocket, "/var/run/docker.sock");

    /// <summary>
    /// The directory holding ca.pem (the CA the engine's certificate must chain to), cert.pem and key.pem (this
    /// client's certificate); null when the engine is reached without TLS.
    /// </summary>
    public string? TlsCertPath { get; init; }

    public static DockerEndpoint FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>As the docker CLI: any non-empty DOCKER_TLS_VERIFY turns TLS on, with certificates from DOCKER_CERT_PATH (~/.docker).</summary>
    public static DockerEndpoint FromEnvironment(Func<string, string?> environment)
    {
        var certPath = environment("DOCKER_TLS_VERIFY") is { Length: > 0 }
            ? environment("DOCKER_CERT_PATH") is { Length: > 0 } path ? path : DefaultCertPath
            : null;
        return Parse(environment("DOCKER_HOST"), certPath);
    }

    public static string DefaultCertPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");

    /// <param name="tlsCertPath">Set to reach a tcp:// engine over TLS (DOCKER_TLS_VERIFY); ignored for a unix socket.</param>
    public static DockerEndpoint Parse(string? dockerHost, string? tlsCertPath = null)
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
            var port = tlsCertPath is null ? DefaultTcpPort : DefaultTlsPort;
            var hostPort = rest.Contains(':') && !rest.EndsWith(']') ? rest : $"{rest}:{port}";
            if (!Uri.TryCreate("http://" + hostPort, UriKind.Absolute, out var uri) || uri.Port <= 0)
                throw Unsupported(value, "expected tcp://host:port");
            return new DockerEndpoint(DockerTransport.Tcp, $"{uri.Host}:{uri.Port}") { TlsCertPath = tlsCertPath };
        }

        throw Unsupported(value, "only unix:// and tcp:// are supported (no ssh:// or npipe://; for TLS set DOCKER_TLS_VERIFY)");
    }

    public bool UsesTls => Transport == DockerTransport.Tcp && TlsCertPath is not null;

    /// <summary>The endpoint as the client library takes it (tcp:// with TLS becomes https through the certificates).</summary>
    internal Uri LibraryUri => Transport == DockerTransport.UnixSocket
        ? new Uri("unix://" + Address)
        : new Uri("tcp://" + Address);

    public override string ToString() => Transport == DockerTransport.UnixSocket ? "unix://" + Address : "tcp://" + Address;

    /// <summary>The endpoint as a person reads it: with TLS, where its certificates come from.</summary>
    public string Describe() => UsesTls ? $"{this} (TLS, certificates in {TlsCertPath})" : ToString();

    private static PipelineException Unsupported(string value, string why) => new(
        $"DOCKER_HOST '{value}' is not usable: {why}",
        "Unset DOCKER_HOST to use unix:///var/run/docker.sock, or set it to unix:///path or tcp://host:port " +
        "(with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for a TLS engine).");
}
