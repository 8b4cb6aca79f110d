using System.Text.RegularExpressions;
using Pipeline.Staging;
using Pipeline.Tests.EndToEnd;

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
    public void A_directory_with_a_space_stays_one_ssh_config_value()
    {
        // A TMPDIR with a space: ssh splits an -o value at whitespace unless it is quoted as in ssh_config.
        var options = new SshOptions("/tmp/my dir/known_hosts", null, TimeSpan.FromSeconds(10), "/tmp/my dir/pipeline-ssh-x");
        Assert.Contains("ControlPath=\"/tmp/my dir/pipeline-ssh-x/%C\"", options.For(_host));
        Assert.Contains("UserKnownHostsFile=\"/tmp/my dir/known_hosts\"", options.For(_host));
        Assert.Contains("ControlPath=\"/tmp/my dir/pipeline-ssh-x/%C\"", options.Exit(_host));
    }

    [Fact]
    public void Percent_signs_quotes_and_backslashes_in_a_directory_are_escaped_for_ssh()
    {
        var options = new SshOptions(null, null, TimeSpan.FromSeconds(10), """/tmp/50% "a"\b""");
        Assert.Contains("ControlPath=\"/tmp/50%% \\\"a\\\"\\\\b/%C\"", options.For(_host));
    }

    // ssh -G parses the options as a connection would and prints the result, connecting nowhere: the judge of how
    // OpenSSH itself reads the control path and known_hosts the options give.
    [Theory]
    [InlineData("/tmp/pipeline tests/pipeline-ssh-x")]
    [InlineData("""/tmp/50% "odd"\dir/pipeline-ssh-x""")]
    public async Task OpenSsh_reads_the_control_path_and_known_hosts_as_given(string directory)
    {
        var options = new SshOptions(directory + "/known_hosts", null, TimeSpan.FromSeconds(10), directory);
        var argv = options.For(_host);

        var (exitCode, output) = await ScriptProcess.RunAsync(argv[0], ["-G", "-F", "/dev/null", .. argv.Skip(1)], "/",
            new Dictionary<string, string?>(), TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, output);
        var settings = output.Split('\n').Select(l => l.TrimEnd('\r').Split(' ', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        Assert.Matches("^" + Regex.Escape(directory) + "/[0-9a-f]{40}$", settings["controlpath"]);
        Assert.Equal(directory + "/known_hosts", settings["userknownhostsfile"]);
    }

    [Fact]
    public void A_hook_gets_the_host_name_quoted()
    {
        Assert.Equal("lb.sh drain staging-1", HostHooks.Render("lb.sh drain {host}", _host));
        Assert.Equal("lb.sh drain 'web;1'", HostHooks.Render("lb.sh drain {host}", _host with { Name = "web;1" }));
    }
}
