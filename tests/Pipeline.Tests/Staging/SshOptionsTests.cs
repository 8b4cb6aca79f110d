using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class SshOptionsTests
{
    private readonly StagingHost _host = new("staging-1", "root", "127.0.0.1", 2222, "127.0.0.1", 3001);

    [Fact]
    public void Every_connection_is_batch_mode_strict_against_the_pinned_file_only_and_multiplexed()
    {
        var options = new SshOptions("/k/known_hosts", "/k/id_ed25519", TimeSpan.FromSeconds(7), "/tmp/pipeline-ssh-x");
        Assert.Equal(
            "ssh -T -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/k/known_hosts -o GlobalKnownHostsFile=/dev/null " +
            "-o IdentitiesOnly=yes -i /k/id_ed25519 -o ConnectTimeout=7 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 " +
            "-o ControlMaster=auto -o ControlPath=/tmp/pipeline-ssh-x/%C -o ControlPersist=60 -o LogLevel=ERROR -p 2222 -l root 127.0.0.1 --",
            ShellQuote.Join(options.For(_host)));
    }

    [Fact]
    public void Without_key_or_known_hosts_ssh_keeps_its_own_files_but_still_checks_strictly()
    {
        var argv = new SshOptions(null, null, TimeSpan.FromSeconds(10), "/c").For(_host);
        Assert.Contains("StrictHostKeyChecking=yes", argv);
        Assert.DoesNotContain("-i", argv);
        Assert.DoesNotContain(argv, a => a.StartsWith("UserKnownHostsFile", StringComparison.Ordinal));
    }

    [Fact]
    public void The_master_connection_is_closed_with_O_exit_on_the_same_control_path()
    {
        var options = new SshOptions(null, null, TimeSpan.FromSeconds(10), "/c");
        Assert.Equal("ssh -o ControlPath=/c/%C -p 2222 -l root -O exit 127.0.0.1", ShellQuote.Join(options.Exit(_host)));
    }

    [Fact]
    public void A_hook_gets_the_host_name_quoted()
    {
        Assert.Equal("lb.sh drain staging-1", HostHooks.Render("lb.sh drain {host}", _host));
        Assert.Equal("lb.sh drain 'web;1'", HostHooks.Render("lb.sh drain {host}", _host with { Name = "web;1" }));
    }
}
