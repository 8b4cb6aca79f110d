using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

/// <summary>
/// DOCKER_HOST=tcp://… with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (CircleCI's remote Docker, many CI setups)
/// against a real TLS listener in front of the local engine (see <see cref="TlsEngine"/>).
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class DockerTlsTests(DockerEngineFixture fixture, TlsEngine tls) : IClassFixture<TlsEngine>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ping_and_image_list_work_over_tls_with_the_docker_cli_variables()
    {
        using var engine = new DockerEngine(Endpoint(tls.DockerHost, tls.Trusted));
        Assert.True(engine.Endpoint.UsesTls);
        Assert.Equal("1.41", await engine.PingAsync(Cancellation));

        // The same engine as the one on the socket, so the same images.
        var sandbox = fixture.RequireSandbox();
        var overTls = await engine.Images.ListAsync($"{sandbox.Registry}/sandbox/*", Cancellation);
        var direct = await fixture.Engine.Images.ListAsync($"{sandbox.Registry}/sandbox/*", Cancellation);
        Assert.NotEmpty(overTls);
        Assert.Equal(direct.Select(image => image.Id).Order(), overTls.Select(image => image.Id).Order());
    }

    [Fact]
    public async Task Container_run_exec_and_logs_work_over_tls()
    {
        using var engine = new DockerEngine(Endpoint(tls.DockerHost, tls.Trusted));
        var id = await engine.Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Command = ["sh", "-c", "echo started; sleep 600"],
            Labels = new Dictionary<string, string> { [DockerEngineFixture.LabelKey] = fixture.RunId },
        }, Cancellation);
        try
        {
            await engine.Containers.StartAsync(id, Cancellation);
            // exec's output comes back over a hijacked connection, which here is the TLS stream itself.
            var exec = await engine.Containers.ExecAsync(id, ["sh", "-c", "echo out; echo err >&2; exit 2"],
                TimeSpan.FromMinutes(1), Cancellation);
            Assert.Equal(new ExecResult(2, "out\n", "err\n"), exec);
            Assert.Equal("started\n", (await engine.Containers.LogsAsync(id, tail: null, Cancellation)).Stdout);
        }
        finally
        {
            await engine.Containers.RemoveAsync(id, Cancellation);
        }
    }

    [Fact]
    public async Task Engine_certificate_from_another_ca_is_refused_naming_both()
    {
        using var engine = new DockerEngine(Endpoint(tls.DockerHost, tls.WrongCa));
        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
        Assert.StartsWith(
            $"The Docker engine at {tls.DockerHost} is not one DOCKER_CERT_PATH trusts: its certificate (CN=127.0.0.1) " +
            "is not signed by the CA in ca.pem (CN=other-ca)", failure.Message);
        Assert.Contains($"{tls.WrongCa}/ca.pem", failure.Fix);
    }

    [Fact]
    public async Task Engine_certificate_for_another_host_name_is_refused()
    {
        // localhost is this machine too, but the engine's certificate names only 127.0.0.1.
        using var engine = new DockerEngine(Endpoint($"tcp://localhost:{tls.Port}", tls.Trusted));
        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
        Assert.Equal($"The Docker engine at tcp://localhost:{tls.Port} is not one DOCKER_CERT_PATH trusts: " +
            "its certificate does not name the host in DOCKER_HOST", failure.Message);
    }

    [Fact]
    public async Task Client_certificate_the_engine_does_not_trust_fails_the_handshake()
    {
        using var engine = new DockerEngine(Endpoint(tls.DockerHost, tls.StrangerClient));
        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
        Assert.Equal($"The TLS handshake with the Docker engine at {tls.DockerHost} failed", failure.Message);
        Assert.Contains($"{tls.StrangerClient}/cert.pem", failure.Fix);
    }

    [Fact]
    public void Missing_certificates_are_named_before_anything_is_sent()
    {
        var empty = Directory.CreateTempSubdirectory("pipeline-no-certs-").FullName;
        try
        {
            var failure = Assert.Throws<PipelineException>(() => new DockerEngine(Endpoint(tls.DockerHost, empty)));
            Assert.Equal($"DOCKER_TLS_VERIFY is set, but ca.pem, cert.pem, key.pem is missing in {empty}", failure.Message);
            Assert.Contains("DOCKER_CERT_PATH", failure.Fix);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    private static DockerEndpoint Endpoint(string dockerHost, string certPath) =>
        DockerEndpoint.FromEnvironment(name => name switch
        {
            "DOCKER_HOST" => dockerHost,
            "DOCKER_TLS_VERIFY" => "1",
            "DOCKER_CERT_PATH" => certPath,
            _ => null,
        });
}
