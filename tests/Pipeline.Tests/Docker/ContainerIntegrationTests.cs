using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

[Collection(DockerEngineCollection.Name)]
public sealed class ContainerIntegrationTests(DockerEngineFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IContainerOperations Containers => fixture.Engine.Containers;

    [Fact]
    public async Task Container_runs_with_env_and_labels_and_reports_its_exit_and_split_output()
    {
        var id = await Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Name = $"pipeline-test-exit-{fixture.RunId}",
            Command = ["sh", "-c", "echo \"$GREETING\"; echo oops >&2; exit 3"],
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello from env" },
            Labels = Labels(("role", "exit-test")),
        }, Cancellation);
        await Containers.StartAsync(id, Cancellation);

        var exit = await Containers.WaitAsync(id, TimeSpan.FromMinutes(1), Cancellation);
        Assert.Equal(new ContainerExit(3, null), exit);
        // A container that has already exited is not waited for again (the engine's "not-running").
        Assert.Equal(exit, await Containers.WaitAsync(id, TimeSpan.FromSeconds(5), Cancellation));

        var logs = await Containers.LogsAsync(id, tail: null, Cancellation);
        Assert.Equal("hello from env\n", logs.Stdout);
        Assert.Equal("oops\n", logs.Stderr);

        var details = await Containers.InspectAsync($"pipeline-test-exit-{fixture.RunId}", Cancellation);
        Assert.NotNull(details);
        Assert.Equal(id, details.Id);
        Assert.Equal("exited", details.State.Status);
        Assert.Equal(3, details.State.ExitCode);
        Assert.Equal("exit-test", details.Labels["role"]);

        var listed = await Containers.ListByLabelAsync("role=exit-test", Cancellation);
        Assert.Contains(listed, container => container.Id == id);

        Assert.True(await Containers.RemoveAsync(id, Cancellation));
        Assert.False(await Containers.RemoveAsync(id, Cancellation));
        Assert.Null(await Containers.InspectAsync(id, Cancellation));
    }

    [Fact]
    public async Task A_file_is_read_out_of_an_exited_container_and_a_missing_one_is_null()
    {
        var id = await Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Command = ["sh", "-c", "printf '<testsuites/>\\n' > /tmp/junit.xml"],
            Labels = Labels(),
        }, Cancellation);
        try
        {
            await Containers.StartAsync(id, Cancellation);
            Assert.Equal(0, (await Containers.WaitAsync(id, TimeSpan.FromMinutes(1), Cancellation)).ExitCode);
            // More than one chunk of the engine's answer: Docker.DotNet's chunked stream once cut such a read short.
            var big = await Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
            {
                Command = ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do printf 'line %s\\n' $i; i=$((i+1)); done > /tmp/big.xml"],
                Labels = Labels(),
            }, Cancellation);
            await Containers.StartAsync(big, Cancellation);
            await Containers.WaitAsync(big, TimeSpan.FromMinutes(1), Cancellation);
            var bytes = await Containers.ReadFileAsync(big, "/tmp/big.xml", 1024 * 1024, Cancellation);
            Assert.Equal(Enumerable.Range(0, 3000).Select(i => $"line {i}\n").Aggregate((a, b) => a + b), System.Text.Encoding.ASCII.GetString(bytes!));
            await Containers.RemoveAsync(big, Cancellation);
            Assert.Equal("<testsuites/>\n"u8.ToArray(), await Containers.ReadFileAsync(id, "/tmp/junit.xml", 1024, Cancellation));
            Assert.Null(await Containers.ReadFileAsync(id, "/tmp/none.xml", 1024, Cancellation));
            var tooBig = await Assert.ThrowsAsync<PipelineException>(() => Containers.ReadFileAsync(id, "/tmp/junit.xml", 4, Cancellation));
            Assert.Contains("more than the 4 read", tooBig.Message);
            var directory = await Assert.ThrowsAsync<PipelineException>(() => Containers.ReadFileAsync(id, "/tmp", 1024, Cancellation));
            Assert.Contains("is not a regular file", directory.Message);
        }
        finally
        {
            await Containers.RemoveAsync(id, Cancellation);
        }
    }

    [Fact]
    public async Task Logs_tail_keeps_only_the_last_lines()
    {
        var id = await Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Command = ["sh", "-c", "echo one; echo two; echo three"],
            Labels = Labels(),
        }, Cancellation);
        await Containers.StartAsync(id, Cancellation);
        await Containers.WaitAsync(id, TimeSpan.FromMinutes(1), Cancellation);

        Assert.Equal("two\nthree\n", (await Containers.LogsAsync(id, tail: 2, Cancellation)).Stdout);
        await Containers.RemoveAsync(id, Cancellation);
    }

    [Fact]
    public async Task Healthcheck_port_binding_exec_and_stop()
    {
        var port = FakeEngine.FreeLoopbackPort();
        var id = await Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Command = ["sleep", "600"],
            Labels = Labels(),
            Ports = [new PortBinding(8080, port)],
            Healthcheck = new HealthcheckSpec("test -f /tmp/ready", TimeSpan.FromMilliseconds(200),
                TimeSpan.FromSeconds(5), Retries: 100),
        }, Cancellation);
        await Containers.StartAsync(id, Cancellation);
        await Containers.StartAsync(id, Cancellation); // already running: the engine's 304 is not an error

        var started = await Containers.InspectAsync(id, Cancellation);
        Assert.True(started!.State.Running);
        Assert.Equal(port, started.PublishedPorts["8080/tcp"]);
        Assert.NotEqual("healthy", started.State.Health);

        var exec = await Containers.ExecAsync(id, ["sh", "-c", ": > /tmp/ready; echo made; echo note >&2; exit 4"],
            TimeSpan.FromMinutes(1), Cancellation);
        Assert.Equal(new ExecResult(4, "made\n", "note\n"), exec);

        Assert.Equal("healthy", await WaitForHealthAsync(id, "healthy"));

        await Containers.StopAsync(id, TimeSpan.FromSeconds(1), Cancellation);
        var stopped = await Containers.InspectAsync(id, Cancellation);
        Assert.False(stopped!.State.Running);
        await Containers.StopAsync(id, TimeSpan.FromSeconds(1), Cancellation); // stopped already: fine
        await Containers.RemoveAsync(id, Cancellation);
    }

    [Fact]
    public async Task Containers_on_a_labelled_network_get_addresses_under_their_aliases()
    {
        var networks = fixture.Engine.Networks;
        var network = $"pipeline-test-net-{fixture.RunId}";
        var networkId = await networks.CreateAsync(network, Labels(("purpose", "network-test")), Cancellation);
        var image = await fixture.ShellImageAsync();

        var db = await Containers.CreateAsync(new ContainerCreateRequest(image)
        {
            Command = ["sleep", "600"], Labels = Labels(), Network = network, NetworkAliases = ["db"],
        }, Cancellation);
        var app = await Containers.CreateAsync(new ContainerCreateRequest(image)
        {
            Command = ["sleep", "600"], Labels = Labels(),
        }, Cancellation);
        await networks.ConnectAsync(network, app, ["app"], Cancellation);
        await Containers.StartAsync(db, Cancellation);
        await Containers.StartAsync(app, Cancellation);

        var inspected = await networks.InspectAsync(network, Cancellation);
        Assert.NotNull(inspected);
        Assert.Equal(networkId, inspected.Id);
        Assert.Equal("network-test", inspected.Labels["purpose"]);
        Assert.Contains(db, inspected.Containers);
        Assert.Contains(app, inspected.Containers);
        Assert.Contains(await networks.ListByLabelAsync("purpose=network-test", Cancellation), n => n.Id == networkId);
        var dbAddress = (await Containers.InspectAsync(db, Cancellation))!.NetworkAddresses[network];
        var appAddress = (await Containers.InspectAsync(app, Cancellation))!.NetworkAddresses[network];
        Assert.NotEqual("", dbAddress);
        Assert.NotEqual("", appAddress);

        // Each alias resolves, from the other container on the network, to that container's address there: the alias
        // given at create for one, at connect for the other. A name no one was given does not resolve.
        var dbFromApp = await ResolveAsync(app, "db");
        Assert.Equal(0, dbFromApp.ExitCode);
        Assert.Equal([dbAddress], dbFromApp.Addresses);
        var appFromDb = await ResolveAsync(db, "app");
        Assert.Equal(0, appFromDb.ExitCode);
        Assert.Equal([appAddress], appFromDb.Addresses);
        var nobody = await ResolveAsync(app, "nobody-" + fixture.RunId);
        Assert.NotEqual(0, nobody.ExitCode);
        Assert.Empty(nobody.Addresses);

        await Containers.RemoveAsync(db, Cancellation);
        await Containers.RemoveAsync(app, Cancellation);
        Assert.True(await networks.RemoveAsync(network, Cancellation));
        Assert.False(await networks.RemoveAsync(network, Cancellation));
        Assert.Null(await networks.InspectAsync(network, Cancellation));
    }

    [Fact]
    public async Task Creating_from_a_missing_image_says_to_pull_it()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Containers.CreateAsync(
            new ContainerCreateRequest($"pipeline-tests/absent:{fixture.RunId}") { Labels = Labels() }, Cancellation));
        Assert.Equal($"Image pipeline-tests/absent:{fixture.RunId} is not in the local engine", failure.Message);
        Assert.Equal("Pull or build it first.", failure.Fix);
    }

    [Fact]
    public async Task Network_name_twice_is_a_clear_conflict_and_leaves_one_bridge_network()
    {
        var networks = fixture.Engine.Networks;
        var name = $"pipeline-test-twice-net-{fixture.RunId}";
        var first = await networks.CreateAsync(name, Labels(), Cancellation);
        var failure = await Assert.ThrowsAsync<PipelineException>(() => networks.CreateAsync(name, Labels(), Cancellation));
        Assert.Equal($"A network named {name} already exists", failure.Message);
        var left = (await networks.ListByLabelAsync(fixture.Label, Cancellation)).Where(network => network.Name == name).ToList();
        Assert.Equal([first], left.Select(network => network.Id));
        Assert.Equal("bridge", left[0].Driver);
        Assert.True(await networks.RemoveAsync(first, Cancellation));
    }

    [Fact]
    public async Task Same_name_twice_is_a_clear_conflict()
    {
        var request = new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Name = $"pipeline-test-twice-{fixture.RunId}", Labels = Labels(),
        };
        await Containers.CreateAsync(request, Cancellation);
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Containers.CreateAsync(request, Cancellation));
        Assert.Contains("already exists", failure.Message);
        await Containers.RemoveAsync(request.Name!, Cancellation);
    }

    /// <summary>The addresses the name resolves to inside the container (glibc's own lookup, via the engine's DNS).</summary>
    private async Task<(int ExitCode, string[] Addresses)> ResolveAsync(string container, string name)
    {
        var result = await Containers.ExecAsync(container, ["getent", "hosts", name], TimeSpan.FromMinutes(1), Cancellation);
        var addresses = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', 2)[0]).ToArray();
        return (result.ExitCode, addresses);
    }

    private async Task<string?> WaitForHealthAsync(string id, string wanted)
    {
        // Bounded polling: the test checks the state is reached, never how fast.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var health = (await Containers.InspectAsync(id, Cancellation))?.State.Health;
            if (health == wanted) return health;
            await Task.Delay(200, Cancellation);
        }
        return (await Containers.InspectAsync(id, Cancellation))?.State.Health;
    }

    private Dictionary<string, string> Labels(params (string Key, string Value)[] extra)
    {
        var labels = new Dictionary<string, string> { [DockerEngineFixture.LabelKey] = fixture.RunId };
        foreach (var (key, value) in extra) labels[key] = value;
        return labels;
    }
}
