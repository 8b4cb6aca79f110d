using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class DockerEndpointTests
{
    [Theory]
    [InlineData(null, DockerTransport.UnixSocket, "/var/run/docker.sock")]
    [InlineData("", DockerTransport.UnixSocket, "/var/run/docker.sock")]
    [InlineData("  ", DockerTransport.UnixSocket, "/var/run/docker.sock")]
    [InlineData("unix:///run/user/1000/docker.sock", DockerTransport.UnixSocket, "/run/user/1000/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375", DockerTransport.Tcp, "127.0.0.1:2375")]
    [InlineData("tcp://docker-host:12375/", DockerTransport.Tcp, "docker-host:12375")]
    [InlineData("tcp://127.0.0.1", DockerTransport.Tcp, "127.0.0.1:2375")]
    public void Docker_host_is_parsed_like_the_docker_cli(string? value, DockerTransport transport, string address)
    {
        var endpoint = DockerEndpoint.Parse(value);
        Assert.Equal(transport, endpoint.Transport);
        Assert.Equal(address, endpoint.Address);
    }

    [Theory]
    [InlineData("ssh://user@host")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("https://host:2376")]
    [InlineData("unix://relative.sock")]
    [InlineData("tcp://host:2375/base/path")]
    public void Unsupported_docker_host_is_a_clear_error(string value)
    {
        var failure = Assert.Throws<PipelineException>(() => DockerEndpoint.Parse(value));
        Assert.Contains(value, failure.Message);
        Assert.Contains("DOCKER_HOST", failure.Fix);
    }

    [Fact]
    public void Tls_comes_from_DOCKER_TLS_VERIFY_with_the_certificates_of_DOCKER_CERT_PATH_and_port_2376()
    {
        var variables = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "tcp://docker", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/certs",
        };
        var endpoint = DockerEndpoint.FromEnvironment(variables.GetValueOrDefault);
        Assert.Equal(new DockerEndpoint(DockerTransport.Tcp, "docker:2376") { TlsCertPath = "/certs" }, endpoint);
        Assert.True(endpoint.UsesTls);
        Assert.Equal("tcp://docker:2376 (TLS, certificates in /certs)", endpoint.Describe());

        variables.Remove("DOCKER_TLS_VERIFY");
        var plain = DockerEndpoint.FromEnvironment(variables.GetValueOrDefault);
        Assert.False(plain.UsesTls);
        Assert.Equal("docker:2375", plain.Address);
    }

    [Fact]
    public void Tls_does_not_apply_to_a_unix_socket() =>
        Assert.False(DockerEndpoint.Parse("unix:///var/run/docker.sock", "/certs").UsesTls);

    [Fact]
    public void Endpoint_prints_as_a_docker_host_value()
    {
        Assert.Equal("unix:///var/run/docker.sock", DockerEndpoint.Default.ToString());
        Assert.Equal("tcp://10.0.0.1:2375", DockerEndpoint.Parse("tcp://10.0.0.1:2375").ToString());
    }
}
