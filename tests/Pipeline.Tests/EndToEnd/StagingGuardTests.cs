using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Staging;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// What keeps staging safe, through ./build.sh against the sandbox: the deploy lock between two deploys started
/// together, StagingUnlock for a stale lock, a dry run that changes nothing, and hosts that must be refused.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class StagingGuardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] DeployOnly = ["DeployStaging", "--skip", "Restore,DockerBuild,StartDeps,Test,Push"];
    private readonly StagingHostsHelper _staging = new("guard");

    public async ValueTask InitializeAsync() => await _staging.BorrowAppPortsAsync();

    public ValueTask DisposeAsync() => _staging.DisposeAsync();

    [Fact]
    public async Task Two_deploys_started_together_one_fails_naming_the_holder_or_waits_and_neither_corrupts_the_other()
    {
        foreach (var version in new[] { '4', '5', '6' })
        {
            var (pushExit, pushOutput) = await BuildScript.RunAsync(["Push", "--skip", "StartDeps,Test"], _staging.Environment(version));
            Assert.True(pushExit == 0, pushOutput);
        }

        // No waiting: exactly one deploys, the other fails at once naming it.
        var results = await Task.WhenAll(
            BuildScript.RunAsync(DeployOnly, _staging.Environment('4')),
            BuildScript.RunAsync(DeployOnly, _staging.Environment('5')));
        var winner = Assert.Single(results, r => r.ExitCode == 0);
        var loser = Assert.Single(results, r => r.ExitCode != 0);
        var winnerVersion = winner == results[0] ? "4444444" : "5555555";
        var loserVersion = winner == results[0] ? "5555555" : "4444444";
        output.WriteLine("the deploy that lost the lock:\n" + loser.Output);
        Assert.Matches($@"DeployStaging failed: Staging is locked by \S+@\S+ \(DeployStaging of develop-{winnerVersion}, run \S+, since ", loser.Output);
        Assert.Contains("./build.sh StagingUnlock", loser.Output);
        foreach (var host in _staging.Hosts)
        {
            Assert.Equal($$"""{"version":"{{winnerVersion}}"}""", await StagingHostsHelper.VersionAsync(host));
            Assert.DoesNotContain($"develop-{loserVersion}", await _staging.ContainersAsync(host));
        }
        Assert.Equal("free", await _staging.LockStateAsync());

        // With --lock-wait both deploy (two versions staging does not run yet), one after the other; the one that
        // waited is what staging serves.
        var clock = Stopwatch.StartNew();
        var waited = await Task.WhenAll(
            BuildScript.RunAsync([.. DeployOnly, "--lock-wait", "300"], _staging.Environment(loserVersion[0])),
            BuildScript.RunAsync([.. DeployOnly, "--lock-wait", "300"], _staging.Environment('6')));
        output.WriteLine($"two deploys with --lock-wait took {clock.Elapsed.TotalSeconds:0.0} s together");
        Assert.All(waited, r => Assert.True(r.ExitCode == 0, r.Output));
        var waiter = Assert.Single(waited, r => r.Output.Contains("staging is locked by"));
        Assert.Contains("waiting up to 300 s", waiter.Output);
        var last = waiter == waited[0] ? loserVersion : "6666666";
        foreach (var host in _staging.Hosts)
            Assert.Equal($$"""{"version":"{{last}}"}""", await StagingHostsHelper.VersionAsync(host));
        Assert.Equal("free", await _staging.LockStateAsync());
    }

    [Fact]
    public async Task A_stale_lock_blocks_deploys_naming_its_holder_until_StagingUnlock_removes_it()
    {
        var ghost = new LockHolder("ghost@dead-runner", DateTimeOffset.UtcNow.AddHours(-3), "DeployStaging", "develop-0000000", "20261121-220000-dead00");
        await _staging.TakeLockAsync(ghost);

        var (blockedExit, blocked) = await BuildScript.RunAsync(["Rollback"], _staging.Environment('1'));
        Assert.NotEqual(0, blockedExit);
        Assert.Contains("Rollback failed: Staging is locked by ghost@dead-runner (DeployStaging of develop-0000000, run 20261121-220000-dead00", blocked);

        var (unlockExit, unlock) = await BuildScript.RunAsync(["StagingUnlock"], _staging.Environment('1'));
        Assert.True(unlockExit == 0, unlock);
        Assert.Contains($"removed the staging deploy lock '{_staging.Container}' on staging-1, held by ghost@dead-runner", unlock);
        Assert.Equal("free", await _staging.LockStateAsync());
    }

    [Fact]
    public async Task A_dry_run_prints_every_remote_command_and_changes_no_container_on_either_host()
    {
        // A dry run provisions nothing, so the app is provisioned first (a no-op once an earlier test did it).
        var (upExit, up) = await BuildScript.RunAsync(["SandboxUp"], _staging.Environment('7'));
        Assert.True(upExit == 0, up);
        var before = await Task.WhenAll(_staging.Hosts.Select(_staging.ContainersAsync));
        var (exitCode, text) = await BuildScript.RunAsync(["DeployStaging", "--dryrun"], _staging.Environment('7'));
        var after = await Task.WhenAll(_staging.Hosts.Select(_staging.ContainersAsync));

        Assert.True(exitCode == 0, text);
        Assert.Equal(before, after);
        Assert.Equal("free", await _staging.LockStateAsync());
        foreach (var host in _staging.Hosts)
        {
            // The sandbox's hosts answer only through its jump host (sandbox.json's staging.jump).
            Assert.Contains($"{host.Name}: every command runs over one SSH connection to {host.User}@{host.Address}:{host.SshPort} via {StagingFixtures.Sandbox().Jump} (connect timeout", text);
            Assert.Contains($"{host.Name}: [start] docker run --detach --name {_staging.Container}-develop-7777777 --network staging --env-file {StagingHostsHelper.AppEnvFile(host)}", text);
            Assert.Contains($"{host.Name}: [switch (between the hooks)] docker exec {_staging.Container}-proxy sh -c", text);
            Assert.Contains($"{host.Name}: before-host (local): ", text);
        }
        Assert.Matches(@"staging-1: \[login, pull: on every host at once, before any host changes\] sh -c '[^\0]*?' sh pipeline 127\.0\.0\.1:5000 \S+ \S+ <<< \[REDACTED\]", text);
        Assert.Contains("lock on staging-1: sh -c", text);
    }

    [Fact]
    public async Task A_deploy_onto_an_app_port_another_container_publishes_fails_before_its_pull_naming_the_holder()
    {
        var host = _staging.Hosts[0];
        var squatter = _staging.Container + "-squatter";
        // Labelled as this class's app, so the cleanup removes it; the redis image is on every staging host.
        var started = await _staging.RunAsync(host, "docker", "run", "--detach", "--name", squatter,
            "--label", $"{AppCommands.AppLabel}={_staging.Container}", "--publish", $"127.0.0.1:{host.AppPort}:6379",
            "127.0.0.1:5000/sandbox/redis:7.0");
        Assert.DoesNotContain("Error", started);

        var (exitCode, text) = await BuildScript.RunAsync(DeployOnly, _staging.Environment('8'));

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"DeployStaging failed: staging-1's app port {host.AppPort} is already published by {squatter} (127.0.0.1:{host.AppPort}->6379/tcp)", text);
        Assert.Contains($"Each app on a host needs its own app port. Give {_staging.Container} another one in STAGING_HOSTS", text);
        Assert.Matches(@"staging-1\s+.*FAILED before any change: staging-1's app port", text);
        Assert.DoesNotContain("staging-1: pulling", text);
        Assert.Contains($"{squatter} running", await _staging.ContainersAsync(host));
        Assert.Equal("free", await _staging.LockStateAsync());
    }

    [Fact]
    public async Task A_host_whose_key_is_not_in_known_hosts_is_refused()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var environment = _staging.Environment('1');
            environment["STAGING_KNOWN_HOSTS"] = empty;
            var (exitCode, text) = await BuildScript.RunAsync(["Rollback"], environment);
            Assert.NotEqual(0, exitCode);
            // The sandbox's hosts are reached through staging-1 as the jump host, so staging-1's key is the first refused.
            Assert.Matches($@"Rollback failed: The jump host root@127\.0\.0\.1:2222 \(--staging-jump / STAGING_JUMP\) refused: its host key SHA256:\S+ \(ssh-ed25519\) is not in {System.Text.RegularExpressions.Regex.Escape(empty)}", text);
            // It never reached the host, so it has no lock to release and says nothing about one.
            Assert.DoesNotContain("deploy lock", text);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task A_host_that_never_answers_fails_at_the_ssh_timeout()
    {
        // Accepts the TCP connection and never speaks, like a hung sshd or a firewall in the way.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var environment = _staging.Environment('1');
        environment["STAGING_HOSTS"] = $"hung=root@127.0.0.1:{port}/127.0.0.1:3099";
        environment["SSH_TIMEOUT"] = "3";
        var (exitCode, text) = await BuildScript.RunAsync(["Rollback"], environment);
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Rollback failed: Staging host hung (root@127.0.0.1:{port}) did not answer within 3 s", text);
        Assert.Contains($"  staging:   hung (root@127.0.0.1:{port}, app port 127.0.0.1:3099)", text);
    }
}
