namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// ./build.sh DeployStaging and Rollback against the sandbox's two staging hosts and their load balancer: v1, then v2
/// under load with no failed request, then a v3 whose health check fails, then back to v1.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class StagingDeployTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly StagingHostsHelper _staging = new("deploy");

    public async ValueTask InitializeAsync() => await _staging.BorrowAppPortsAsync();

    public ValueTask DisposeAsync() => _staging.DisposeAsync();

    [Fact]
    public async Task Rolling_deploys_lose_no_request_a_failing_health_check_keeps_the_old_version_and_rollback_returns()
    {
        // v1 on both hosts, each behind its new proxy.
        var (exit1, output1) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], _staging.Environment('1'));
        Assert.True(exit1 == 0, output1);
        Assert.Contains("  staging:   staging-1 (root@127.0.0.1:2222, app port 127.0.0.1:3001), staging-2 (root@127.0.0.1:2223", output1);
        foreach (var host in _staging.Hosts) Assert.Equal("""{"version":"1111111"}""", await StagingHostsHelper.VersionAsync(host));

        // v2 while a client hits the load balancer.
        // The client is answered (by v1) before the deploy starts, and again after it has ended, and runs until it is
        // stopped: so its requests span the whole deploy, however long that takes.
        var load = new StagingLoadClient("http://127.0.0.1:8080/version");
        load.Start();
        await load.WaitForSuccessesAsync(1);
        var (exit2, output2) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], _staging.Environment('2'));
        await load.WaitForSuccessesAsync(load.Succeeded + 1);
        await load.StopAsync();
        output.WriteLine($"requests through the load balancer during the v1 -> v2 deploy: {load.Succeeded} succeeded, {load.Failures.Count} failed");
        foreach (var failure in load.Failures.Take(20)) output.WriteLine("  " + failure);
        Assert.True(exit2 == 0, output2);
        Assert.True(load.StoppedByCaller, $"the load client ended by {load.EndReason}, before the deploy did");
        Assert.Empty(load.Failures);
        Assert.Equal("""{"version":"1111111"}""", load.FirstBody);
        Assert.Equal("""{"version":"2222222"}""", load.LastBody);
        Assert.Equal(["""{"version":"1111111"}""", """{"version":"2222222"}"""], load.Bodies.Order(StringComparer.Ordinal));
        foreach (var host in _staging.Hosts) Assert.Equal("""{"version":"2222222"}""", await StagingHostsHelper.VersionAsync(host));
        Assert.Matches(@"staging-1\s+develop-1111111 -> develop-2222222, healthy after [0-9.]+ s: deployed", output2);
        Assert.Matches(@"staging-2\s+develop-1111111 -> develop-2222222, healthy after [0-9.]+ s: deployed", output2);
        // The old container is kept, stopped, for Rollback.
        Assert.Contains($"{_staging.Container}-develop-1111111 exited", await _staging.ContainersAsync(_staging.Hosts[0]));

        // v3 fails its health check on the first host: removed, logs shown, the second host untouched.
        var broken = BrokenHealthContext();
        try
        {
            var environment = _staging.Environment('3');
            environment["DOCKER_CONTEXT"] = broken;
            var (exit3, output3) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test", "--health-timeout", "15"], environment);
            Assert.NotEqual(0, exit3);
            Assert.Contains($"--- logs of {_staging.Container}-develop-3333333 on staging-1:", output3);
            Assert.Contains("healthcheck: v3 is broken on purpose", output3);
            Assert.Contains($"DeployStaging failed: {_staging.Container}-develop-3333333 on staging-1 did not become healthy", output3);
            Assert.Contains("staging-1 still serves develop-2222222", output3);
            Assert.Matches(@"staging-2\s+.*: not touched", output3);
            // staging-2 pulled v3 with staging-1 (pulls run on all hosts first) but never started it.
            Assert.DoesNotContain("staging-2: starting", output3);
            Assert.DoesNotContain("develop-3333333", await _staging.ContainersAsync(_staging.Hosts[1]));
            foreach (var host in _staging.Hosts) Assert.Equal("""{"version":"2222222"}""", await StagingHostsHelper.VersionAsync(host));
            Assert.DoesNotContain("develop-3333333", await _staging.ContainersAsync(_staging.Hosts[0]));
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }

        // Rollback: v1 again, health-gated, host by host.
        var (exit4, output4) = await BuildScript.RunAsync(["Rollback"], _staging.Environment('2'));
        Assert.True(exit4 == 0, output4);
        Assert.Matches(@"staging-1\s+develop-2222222 -> develop-1111111, healthy after [0-9.]+ s: rolled back", output4);
        Assert.Matches(@"staging-2\s+develop-2222222 -> develop-1111111, healthy after [0-9.]+ s: rolled back", output4);
        foreach (var host in _staging.Hosts) Assert.Equal("""{"version":"1111111"}""", await StagingHostsHelper.VersionAsync(host));
    }

    /// <summary>A copy of the app's build context whose health check always fails.</summary>
    private static string BrokenHealthContext()
    {
        var root = Directory.CreateTempSubdirectory("staging-v3-").FullName;
        foreach (var dir in new[] { "src", "docker" }) CopyDirectory(Path.Combine(BuildScript.RepositoryRoot, dir), Path.Combine(root, dir));
        File.Copy(Path.Combine(BuildScript.RepositoryRoot, ".dockerignore"), Path.Combine(root, ".dockerignore"));
        File.WriteAllText(Path.Combine(root, "src", "healthcheck.js"),
            "'use strict';\nprocess.stderr.write('healthcheck: v3 is broken on purpose\\n');\nprocess.exit(1);\n");
        return root;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            if (Path.GetFileName(dir) != "node_modules") CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
