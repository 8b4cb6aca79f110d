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
    public void Endpoint_prints_as_a_docker_host_value()
    {
        Assert.Equal("unix:///var/run/docker.sock", DockerEndpoint.Default.ToString());
        Assert.Equal("tcp://10.0.0.1:2375", DockerEndpoint.Parse("tcp://10.0.0.1:2375").ToString());
    }
}
