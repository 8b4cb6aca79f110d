using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Staging's failure branches, each forced for real on the sandbox's hosts, and the state each leaves the host in:
/// a before-host hook that fails, a switch the proxy refuses, and an old container that can no longer be stopped.
/// Once before-host has run, after-host runs, and the lock is free afterwards.
/// </summary>
[Collection(BuildScriptCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StagingFailurePathTests : IAsyncLifetime
{
    private readonly StagingHostsHelper _staging = new("failpath");
    private readonly string _temp = Directory.CreateTempSubdirectory("failpath-").FullName;

    public async ValueTask InitializeAsync()
    {
        await _staging.BorrowAppPortsAsync();
        var (exitCode, output) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], _staging.Environment('1'));
        Assert.True(exitCode == 0, output);
    }

    public async ValueTask DisposeAsync()
    {
        await _staging.DisposeAsync();
        Directory.Delete(_temp, recursive: true);
    }

    private string HooksLog => Path.Combine(_temp, "hooks.log");

    private Dictionary<string, string> WithHooks(char version, string before) => new(_staging.Environment(version))
    {
        ["STAGING_BEFORE_HOST"] = before,
        ["STAGING_AFTER_HOST"] = $"echo after {{host}} >> {HooksLog}",
    };

    // sandbox.json's jump (user@host:port) as ssh's arguments.
    private static string Jump(Pipeline.Config.SandboxStaging sandbox) =>
        sandbox.Jump!.Split(':') is [var target, var port] ? $"-p {port} {target}" : throw new InvalidOperationException("jump: " + sandbox.Jump);

    /// <summary>A before-host hook that runs a command on the host being switched, then logs "before HOST".</summary>
    private string HostHook(string name, string remoteCommand)
    {
        var hook = Path.Combine(_temp, name);
        var sandbox = StagingFixtures.Sandbox();
        File.WriteAllText(hook, $"""
            #!/bin/sh
            case "$1" in {string.Join(" ", sandbox.Hosts.Select(h => $"{h.Name}) port={h.Port};;"))} esac
            ssh='ssh -i {sandbox.IdentityFile} -o UserKnownHostsFile={sandbox.KnownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes'
            # The hosts answer only through the sandbox's jump host (staging-1).
            $ssh -o ProxyCommand="$ssh -W %h:%p {Jump(sandbox)}" -p "$port" root@127.0.0.1 {remoteCommand}
            echo before "$1" >> '{HooksLog}'
            """);
        File.SetUnixFileMode(hook, (UnixFileMode)0b111_101_101);
        return hook + " {host}";
    }

    private string OldContainer => $"{_staging.Container}-develop-{StagingHostsHelper.Sha('1')[..7]}";

    private async Task AssertServesAsync(char version, int host) =>
        Assert.Equal($$"""{"version":"{{new string(version, 7)}}"}""", await StagingHostsHelper.VersionAsync(_staging.Hosts[host]));

    [Fact]
    public async Task A_failing_before_host_hook_still_gets_its_after_host_and_the_old_version_keeps_serving()
    {
        var (exitCode, output) = await BuildScript.RunAsync(
            ["DeployStaging", "--skip", "StartDeps,Test"], WithHooks('2', $"echo before {{host}} >> {HooksLog}; exit 3"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("The before-host command for staging-1 failed (exit code 3)", output);
        Assert.Equal(["before staging-1", "after staging-1"], File.ReadAllLines(HooksLog));
        await AssertServesAsync('1', 0);
        await AssertServesAsync('1', 1);
        foreach (var host in _staging.Hosts) Assert.DoesNotContain("develop-2222222", await _staging.ContainersAsync(host));
        Assert.Equal("free", await _staging.LockStateAsync());
    }

    [Fact]
    public async Task An_old_container_that_cannot_be_stopped_still_gets_after_host_and_the_host_serves_the_new_version()
    {
        // The hook takes the old container away under the deploy's feet (renamed on the host), so its stop fails.
        var hook = HostHook("rename-old.sh", $"docker rename {OldContainer} {OldContainer}-taken");
        var (exitCode, output) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], WithHooks('3', hook));

        Assert.True(exitCode != 0 && output.Contains("stop the old container failed on staging-1") && output.Contains($"No such container: {OldContainer}"), output);
        Assert.Equal(["before staging-1", "after staging-1"], File.ReadAllLines(HooksLog));
        await AssertServesAsync('3', 0); // the proxy had switched: the new version serves there
        await AssertServesAsync('1', 1); // the hosts after it were not touched
        Assert.Equal("free", await _staging.LockStateAsync());
    }

    [Fact]
    public async Task A_switch_the_proxy_refuses_keeps_the_old_version_serving_and_its_config_and_still_gets_after_host()
    {
        // The hook leaves a file in the proxy's conf.d that nginx refuses, so the switch's nginx -t fails: the switch
        // puts the old config back, and the proxy, never reloaded, goes on sending traffic to the old container.
        var proxy = $"{_staging.Container}-proxy";
        // A conf.d file of one word: nginx -t fails at "unexpected end of file". Quoted twice: once for the hook's shell,
        // once for the host's, so the redirection happens in the proxy container.
        var hook = HostHook("break-proxy.sh", $"docker exec {proxy} sh -c \"'echo broken > /etc/nginx/conf.d/zz-broken.conf'\"");
        var candidate = $"{_staging.Container}-develop-{StagingHostsHelper.Sha('4')[..7]}";

        var (exitCode, output) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], WithHooks('4', hook));

        Assert.True(exitCode != 0 && output.Contains($"switch the proxy to {candidate} failed on staging-1"), output);
        Assert.Equal(["before staging-1", "after staging-1"], File.ReadAllLines(HooksLog));
        await AssertServesAsync('1', 0);
        await AssertServesAsync('1', 1);
        var config = await _staging.RunAsync(_staging.Hosts[0], "docker", "exec", proxy, "cat", "/etc/nginx/conf.d/default.conf");
        Assert.Contains($"http://{OldContainer}:", config);
        Assert.DoesNotContain(candidate, config);
        var containers = await _staging.ContainersAsync(_staging.Hosts[0]);
        Assert.Contains($"{OldContainer} running", containers);
        Assert.Equal("free", await _staging.LockStateAsync());
    }
}
