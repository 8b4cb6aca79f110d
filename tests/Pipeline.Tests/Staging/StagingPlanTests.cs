using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class StagingPlanTests
{
    private readonly StagingSettings _settings = StagingFixtures.Settings(
        new StagingHost("staging-1", "root", "127.0.0.1", 2222, "127.0.0.1", 3001),
        new StagingHost("staging-2", "root", "127.0.0.1", 2223, "127.0.0.1", 3002));

    [Fact]
    public void The_deploy_plan_lists_lock_every_remote_command_per_host_in_order_hooks_and_unlock()
    {
        var lines = new StagingPlan(_settings, "run-1").DescribeDeploy().ToList();
        Assert.Equal("ssh key: /keys/id_ed25519 (--staging-ssh-key / STAGING_SSH_KEY), loaded in memory (no key file is written, no agent is asked)", lines[1]);
        Assert.Equal("known hosts: /keys/known_hosts; any other host key is refused", lines[2]);
        Assert.StartsWith("lock on staging-1: sh -c ", lines[3]);
        Assert.StartsWith("unlock on staging-1: sh -c ", lines[^2]);
        Assert.Equal("then every connection is closed", lines[^1]);
        foreach (var host in new[] { "staging-1", "staging-2" })
        {
            var mine = lines.Where(l => l.StartsWith(host + ": ", StringComparison.Ordinal)).ToList();
            Assert.Contains($"{host}: every command runs over one SSH connection to root@127.0.0.1:{(host == "staging-1" ? 2222 : 2223)} (connect timeout 10 s, keep-alive every 5 s), its login shell running: printf 'pipeline-remote-group:%s\\n' \"$$\" >&2; <command>", mine);
            var order = new[] { $"[app port free: on every host at once, before any host changes] docker ps --filter publish={(host == "staging-1" ? 3001 : 3002)}", "[login, pull", "[read state]", "[start] docker run", "[poll until healthy] sh -c 'c=$1", "[switch (between the hooks)] docker exec sample-app-proxy", "[stop the old one, kept for Rollback] docker stop --time 10 '<active container>'" };
            var positions = order.Select(o => mine.FindIndex(l => l.Contains(o))).ToList();
            Assert.DoesNotContain(-1, positions);
            Assert.Equal(positions.Order(), positions);
            Assert.Contains($"{host}: before-host (local): lb drain {host}", mine);
            Assert.Contains($"{host}: after-host (local):  lb enable {host}", mine);
        }
        Assert.Contains(lines, l => l.Contains("--publish 127.0.0.1:3002:80"));
    }

    [Fact]
    public void The_dry_run_shows_the_token_only_as_redacted()
    {
        var lines = new StagingPlan(_settings, "run-1").DescribeDeploy();
        var login = Assert.Single(lines, l => l.StartsWith("staging-1: [login, pull", StringComparison.Ordinal));
        Assert.EndsWith("<<< [REDACTED]", login);
        Assert.DoesNotContain("<token", login);
    }

    [Fact]
    public void The_rollback_plan_starts_the_previous_container_and_gates_it_before_switching()
    {
        var lines = new StagingPlan(_settings, "run-1").DescribeRollback().Where(l => l.StartsWith("staging-2: [", StringComparison.Ordinal)).ToList();
        Assert.Equal("staging-2: [start] docker start '<previous container>'", lines[1]);
        Assert.StartsWith("staging-2: [poll until healthy] sh -c 'c=$1", lines[2]);
        Assert.EndsWith("' sh '<previous container>'", lines[2]);
        Assert.Contains(lines, l => l.Contains("docker exec sample-app-proxy") && l.Contains("# active: <previous container>"));
    }

    [Fact]
    public void No_hosts_fails_with_what_to_set()
    {
        var error = Assert.Throws<PipelineException>(() => new StagingPlan(_settings with { Hosts = [] }, "r").DescribeDeploy().ToList());
        Assert.Contains("STAGING_HOSTS", error.Fix);
    }
}
