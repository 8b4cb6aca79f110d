using Pipeline.Config;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// The staging key and known_hosts given as text (CI secrets and variables) rather than paths: how they resolve, what
/// is refused, that nothing is written for them, and that the key never shows.
/// </summary>
public sealed class StagingSshCredentialsTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private const string KnownHostsLine = "[staging.example]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleHostKeyOnlyForTests0000000000000000";
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _root = Directory.CreateTempSubdirectory("staging-credentials-").FullName;
    private readonly string _key = TestKeys.OpenSsh();

    public StagingSshCredentialsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "docker"));
        File.WriteAllText(Path.Combine(_root, "docker", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>StagingSettings resolved as a run resolves them; off the sandbox unless a sandbox dir is given.</summary>
    private StagingSettings Resolve(string? json = null, Dictionary<string, string>? cli = null, string? sandboxDir = null, params (string Name, string Value)[] env) =>
        Resolve(json, cli, sandboxDir, hosts: true, env);

    private StagingSettings Resolve(string? json, Dictionary<string, string>? cli, string? sandboxDir, bool hosts, params (string Name, string Value)[] env)
    {
        var all = env.ToList();
        if (hosts) all.Add(("STAGING_HOSTS", "staging-1=root@staging.example:2222"));
        if (sandboxDir is null) all.Add(("AWS_ECR_URL", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        else all.AddRange([("PIPELINE_SANDBOX_DIR", sandboxDir), ("PIPELINE_SANDBOX", "on")]);
        string? Env(string name) => all.FirstOrDefault(v => v.Name == name).Value;
        var values = SettingsResolver.Resolve(cli ?? new(), Env, json);
        var pipeline = PipelineSettings.From(values, _root, Env, args => args.Contains("--abbrev-ref") ? "develop" : Sha);
        return StagingSettings.From(pipeline);
    }

    /// <summary>A sandbox state dir whose sandbox.json has staging-1 and the given members of the staging object.</summary>
    private string SandboxDir(string name, string stagingMembers)
    {
        var sandbox = Path.Combine(_root, name);
        Directory.CreateDirectory(sandbox);
        File.WriteAllText(Path.Combine(sandbox, "sandbox.json"),
            $$"""{ "staging": { "hosts": [ { "name": "staging-1", "address": "127.0.0.1", "port": 2222, "user": "root", "appPort": 3001 } ], {{stagingMembers}} } }""");
        return sandbox;
    }

    private PipelineException Refused(params (string, string)[] env) => Assert.Throws<PipelineException>(() => Resolve(env: env));

    /// <summary>Neither the value nor any line of it is in what the error says.</summary>
    private static void AssertNotShown(string value, PipelineException error)
    {
        var said = error.Message + "\n" + error.Fix + "\n" + error.Detail;
        Assert.DoesNotContain(value.Trim(), said);
        foreach (var line in TestKeys.BodyLines(value).Where(l => l.Length >= 8)) Assert.DoesNotContain(line, said);
    }

    [Fact]
    public void A_key_given_as_text_is_used_instead_of_a_key_file_and_never_prints_itself()
    {
        var settings = Resolve(env: ("STAGING_SSH_PRIVATE_KEY", _key));
        Assert.Null(settings.SshKey);
        Assert.Equal(_key, settings.SshPrivateKey!.Reveal());
        Assert.Equal(Redactor.Mask, settings.SshPrivateKey.ToString());
        Assert.DoesNotContain(TestKeys.BodyLines(_key)[0], settings.ToString());
    }

    [Fact]
    public void A_key_with_CRLF_line_ends_blank_edges_and_no_final_newline_is_normalised_to_what_OpenSSH_reads()
    {
        var pasted = "\r\n  " + _key.TrimEnd('\n').Replace("\n", "  \r\n");
        Assert.EndsWith("-----", pasted);
        var settings = Resolve(env: ("STAGING_SSH_PRIVATE_KEY", pasted));
        Assert.Equal(_key, settings.SshPrivateKey!.Reveal());
        Assert.EndsWith("-----\n", settings.SshPrivateKey.Reveal());
        Assert.DoesNotContain('\r', settings.SshPrivateKey.Reveal());
    }

    [Fact]
    public void A_key_whose_newlines_were_escaped_into_one_line_is_unescaped()
    {
        var escaped = _key.TrimEnd('\n').Replace("\n", "\\n");
        Assert.Equal(_key, Resolve(env: ("STAGING_SSH_PRIVATE_KEY", escaped)).SshPrivateKey!.Reveal());
    }

    [Theory]
    [InlineData("RSA PRIVATE KEY")]
    [InlineData("EC PRIVATE KEY")]
    [InlineData("PRIVATE KEY")]
    public void A_PEM_key_is_accepted_as_it_is(string kind)
    {
        var key = TestKeys.Pem(kind);
        Assert.Equal(key, Resolve(env: ("STAGING_SSH_PRIVATE_KEY", key)).SshPrivateKey!.Reveal());
    }

    [Fact]
    public void Its_lines_are_masked_on_their_own_in_anything_printed()
    {
        Resolve(env: ("STAGING_SSH_PRIVATE_KEY", _key));
        var line = TestKeys.BodyLines(_key)[1];
        Assert.Equal("ssh said: " + Redactor.Mask, Redactor.Redact("ssh said: " + line));
    }

    [Fact]
    public void A_key_path_and_a_key_text_together_are_refused_naming_both()
    {
        var error = Refused(("STAGING_SSH_KEY", "/keys/id_ed25519"), ("STAGING_SSH_PRIVATE_KEY", _key));
        Assert.Contains("STAGING_SSH_KEY and STAGING_SSH_PRIVATE_KEY are both set", error.Message);
        Assert.Contains("Unset one", error.Fix);
        AssertNotShown(_key, error);
    }

    [Fact]
    public void A_key_path_from_pipeline_json_with_a_key_text_is_refused_naming_where_the_path_came_from()
    {
        var error = Assert.Throws<PipelineException>(() =>
            Resolve(json: """{ "staging-ssh-key": "~/.ssh/staging" }""", env: ("STAGING_SSH_PRIVATE_KEY", _key)));
        Assert.Contains("pipeline.json \"staging-ssh-key\" and STAGING_SSH_PRIVATE_KEY are both set", error.Message);
    }

    [Theory]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublicKeyNotPrivate0000000000000000000000 deploy@ci")]
    [InlineData("/home/ci/.ssh/id_ed25519")]
    [InlineData("correct-horse-battery-staple")]
    public void Text_that_is_not_a_private_key_is_refused_without_showing_it(string value)
    {
        var error = Refused(("STAGING_SSH_PRIVATE_KEY", value));
        Assert.Equal("STAGING_SSH_PRIVATE_KEY is not a private key: it has no '-----BEGIN ... PRIVATE KEY-----' line", error.Message);
        Assert.Contains("--staging-ssh-key / STAGING_SSH_KEY", error.Fix);
        AssertNotShown(value, error);
    }

    [Fact]
    public void A_key_whose_lines_were_joined_into_one_is_refused_without_showing_it()
    {
        var joined = _key.Replace('\n', ' ');
        var error = Refused(("STAGING_SSH_PRIVATE_KEY", joined));
        Assert.Contains("not on a line of its own", error.Message);
        AssertNotShown(_key, error);
    }

    [Fact]
    public void A_key_cut_off_before_its_end_line_is_refused()
    {
        var cut = _key[..(_key.IndexOf("-----END", StringComparison.Ordinal) - 20)];
        var error = Refused(("STAGING_SSH_PRIVATE_KEY", cut));
        Assert.Contains($"its -----END {TestKeys.OpenSshKind}----- line is missing", error.Message);
        AssertNotShown(cut, error);
    }

    [Fact]
    public void An_OpenSSH_key_whose_body_is_not_one_is_refused()
    {
        var edited = TestKeys.Armour(TestKeys.OpenSshKind, "bm90IGFuIG9wZW5zc2gga2V5IGF0IGFsbCwganVzdCB0ZXh0IHRoYXQgZGVjb2Rlcw==");
        var error = Refused(("STAGING_SSH_PRIVATE_KEY", edited));
        Assert.Contains("is not a valid OpenSSH private key", error.Message);
        AssertNotShown(edited, error);
    }

    [Fact]
    public void A_passphrase_protected_key_is_refused_when_no_passphrase_is_given()
    {
        foreach (var key in new[] { TestKeys.OpenSsh("aes256-ctr"), TestKeys.Pem("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"), TestKeys.Pem("ENCRYPTED PRIVATE KEY") })
        {
            var error = Refused(("STAGING_SSH_PRIVATE_KEY", key));
            Assert.Equal("STAGING_SSH_PRIVATE_KEY holds a passphrase-protected key, and STAGING_SSH_KEY_PASSPHRASE is not set", error.Message);
            AssertNotShown(key, error);
        }
    }

    [Fact]
    public void A_private_key_put_in_the_key_path_setting_is_refused_without_showing_it_pointing_to_the_secret()
    {
        var oneLine = _key.TrimEnd('\n').Replace("\n", "\\n");
        var bodyOnly = string.Concat(TestKeys.BodyLines(_key));
        foreach (var value in new[] { _key, oneLine, TestKeys.Pem("RSA PRIVATE KEY"), bodyOnly })
        {
            var error = Refused(("STAGING_SSH_KEY", value));
            Assert.StartsWith("STAGING_SSH_KEY is not the path of a key file: it holds a private key", error.Message);
            Assert.Contains("STAGING_SSH_PRIVATE_KEY", error.Fix);
            AssertNotShown(value, error);
            foreach (var line in TestKeys.BodyLines(value).Where(l => l.Length >= 16))
                Assert.Equal(Redactor.Mask, Redactor.Redact(line));
        }
        var fromCli = Assert.Throws<PipelineException>(() => Resolve(cli: new() { ["staging-ssh-key"] = oneLine }));
        Assert.StartsWith("--staging-ssh-key is not the path of a key file", fromCli.Message);
    }

    [Fact]
    public void The_key_text_on_the_command_line_is_refused_as_a_secret()
    {
        var error = Assert.Throws<PipelineException>(() => Resolve(cli: new() { ["staging-ssh-private-key"] = _key }));
        Assert.Contains("staging-ssh-private-key is a secret", error.Message);
        Assert.Contains("STAGING_SSH_PRIVATE_KEY", error.Fix);
        AssertNotShown(_key, error);
        Assert.True(PipelineParameters.StagingSshPrivateKey.IsSecret);
    }

    [Fact]
    public void Known_hosts_without_spaces_is_a_path_as_before()
    {
        var settings = Resolve(env: ("STAGING_KNOWN_HOSTS", "~/ci/known_hosts"));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "ci/known_hosts"), settings.KnownHosts);
        Assert.Null(settings.KnownHostsLines);
    }

    [Fact]
    public void Known_hosts_with_a_space_or_newline_are_the_lines_normalised()
    {
        var one = Resolve(env: ("STAGING_KNOWN_HOSTS", KnownHostsLine));
        Assert.Null(one.KnownHosts);
        Assert.Equal(KnownHostsLine + "\n", one.KnownHostsLines);

        var pasted = "\r\n# staging\r\n" + KnownHostsLine + "\r\n" + KnownHostsLine.Replace("2222", "2223") + "  ";
        Assert.Equal("# staging\n" + KnownHostsLine + "\n" + KnownHostsLine.Replace("2222", "2223") + "\n",
            Resolve(env: ("STAGING_KNOWN_HOSTS", pasted)).KnownHostsLines);
    }

    [Fact]
    public void Known_hosts_lines_with_a_line_ssh_cannot_use_are_refused_naming_the_line()
    {
        var error = Refused(("STAGING_KNOWN_HOSTS", KnownHostsLine + "\nstaging.example ssh-ed25519"));
        Assert.Equal("STAGING_KNOWN_HOSTS: line 2 is not a known_hosts line (it has 2 fields, a host key line has 3)", error.Message);
        Assert.Contains("ssh-keyscan", error.Fix);
    }

    [Fact]
    public void Known_hosts_with_only_comments_are_refused()
    {
        var error = Refused(("STAGING_KNOWN_HOSTS", "# nothing here yet\n"));
        Assert.Equal("STAGING_KNOWN_HOSTS holds no host key line", error.Message);
    }

    [Fact]
    public void A_private_key_put_in_known_hosts_is_refused_without_showing_it()
    {
        var error = Refused(("STAGING_KNOWN_HOSTS", _key));
        Assert.Equal("STAGING_KNOWN_HOSTS holds a private key, not known_hosts lines", error.Message);
        AssertNotShown(_key, error);
    }

    [Fact]
    public void In_the_sandbox_a_key_text_replaces_the_sandboxs_key_file_rather_than_clashing_with_it()
    {
        var sandbox = SandboxDir("sandbox", "\"identityFile\": \"/sandbox/id_ed25519\", \"knownHosts\": \"/sandbox dir/known_hosts\"");
        var settings = Resolve(sandboxDir: sandbox, env: ("STAGING_SSH_PRIVATE_KEY", _key));
        Assert.Null(settings.SshKey);
        Assert.NotNull(settings.SshPrivateKey);
        // The sandbox's own known_hosts is a path even when its directory name has a space.
        Assert.Equal("/sandbox dir/known_hosts", settings.KnownHosts);
        Assert.Null(settings.KnownHostsLines);
    }

    [Fact]
    public async Task Connections_made_from_a_key_text_load_it_and_name_the_setting_it_came_from()
    {
        var settings = StagingFixtures.Settings() with
        {
            SshKey = null,
            KnownHosts = null,
            SshPrivateKey = PrivateKeyText.Normalise(await File.ReadAllTextAsync(await SshKeys.GenerateAsync(_root, "real", "ed25519"), Token)),
            KnownHostsLines = KnownHostsLine + "\n",
        };
        await using (var connections = new StagingConnections(settings))
            Assert.Equal("staging-1", connections.For(settings.Hosts[0]).Host.Name);
        Assert.Equal("STAGING_SSH_PRIVATE_KEY", StagingIdentity.Describe(settings));
        Assert.Equal("the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS", StagingConnections.LoadKnownHosts(settings).Origin);
    }

    [Fact]
    public void The_dry_run_says_the_key_text_would_be_used_in_memory_without_showing_it()
    {
        var settings = StagingFixtures.Settings() with { SshKey = null, SshPrivateKey = PrivateKeyText.Normalise(_key), KnownHosts = null, KnownHostsLines = KnownHostsLine + "\n" };
        var lines = new StagingPlan(settings, "run-1").DescribeDeploy().ToList();
        Assert.Contains("ssh key: the key in STAGING_SSH_PRIVATE_KEY ([REDACTED]), loaded in memory (no key file is written, no agent is asked)", lines);
        Assert.Contains("known hosts: the 1 host key line(s) of STAGING_KNOWN_HOSTS, read in memory; any other host key is refused", lines);
        var text = string.Join("\n", lines);
        foreach (var line in TestKeys.BodyLines(_key)) Assert.DoesNotContain(line, text);
    }

    [Fact]
    public void A_passphrase_protected_key_text_is_accepted_with_its_passphrase_which_is_a_secret()
    {
        var locked = TestKeys.OpenSsh("aes256-ctr");
        var settings = Resolve(env: [("STAGING_SSH_PRIVATE_KEY", locked), ("STAGING_SSH_KEY_PASSPHRASE", "pass phrase 1")]);
        Assert.Equal(locked, settings.SshPrivateKey!.Reveal());
        Assert.Equal("pass phrase 1", settings.SshKeyPassphrase!.Reveal());
        Assert.Equal(Redactor.Mask, settings.SshKeyPassphrase.ToString());
        Assert.Equal("said " + Redactor.Mask, Redactor.Redact("said pass phrase 1"));
        Assert.True(PipelineParameters.StagingSshKeyPassphrase.IsSecret);
        Assert.Contains("unlocked with STAGING_SSH_KEY_PASSPHRASE ([REDACTED])", string.Join("\n", StagingConnections.DescribeCredentials(settings)));

        var error = Assert.Throws<PipelineException>(() => Resolve(cli: new() { ["staging-ssh-key-passphrase"] = "pass phrase 1" }));
        Assert.Contains("staging-ssh-key-passphrase is a secret", error.Message);
        Assert.DoesNotContain("pass phrase 1", error.Message + error.Fix + error.Detail);
    }

    [Fact]
    public void In_the_sandbox_its_hosts_are_reached_through_the_jump_host_in_sandbox_json_unless_STAGING_JUMP_names_another()
    {
        var sandbox = SandboxDir("sandbox-jump", "\"jump\": \"root@127.0.0.1:2222\", \"identityFile\": \"/sandbox/id_ed25519\", \"knownHosts\": \"/sandbox/known_hosts\"");
        Assert.Equal(new SshEndpoint("root", "127.0.0.1", 2222), Resolve(null, null, sandbox, hosts: false).Jump);
        Assert.Equal(new SshEndpoint("deploy", "bastion.example", 22), Resolve(null, null, sandbox, hosts: false, ("STAGING_JUMP", "deploy@bastion.example")).Jump);
        // Hosts named in STAGING_HOSTS are not the sandbox's: its jump host is not theirs.
        Assert.Null(Resolve(sandboxDir: sandbox).Jump);
        Assert.Equal(new SshEndpoint("deploy", "bastion.example", 22), Resolve(sandboxDir: sandbox, env: ("STAGING_JUMP", "deploy@bastion.example")).Jump);
    }

    [Fact]
    public void A_jump_host_is_parsed_with_root_and_port_22_by_default_and_a_malformed_one_is_refused()
    {
        Assert.Equal(new SshEndpoint("deploy", "bastion.example", 2200), Resolve(env: ("STAGING_JUMP", "deploy@bastion.example:2200")).Jump);
        Assert.Equal(new SshEndpoint("root", "bastion.example", 22), Resolve(env: ("STAGING_JUMP", "bastion.example")).Jump);
        Assert.Null(Resolve().Jump);
        foreach (var bad in new[] { "bastion.example:0", "bastion.example:70000", "a b", "-oProxyCommand=x", "user@@host", "[::1]:22" })
        {
            var error = Refused(("STAGING_JUMP", bad));
            Assert.Equal("STAGING_JUMP is not a jump host of the form [user@]host[:port]", error.Message);
        }
        var plan = new StagingPlan(StagingFixtures.Settings() with { Jump = new SshEndpoint("deploy", "bastion.example", 22) }, "run-1").DescribeDeploy().ToList();
        Assert.Contains("staging-1: every command runs over one SSH connection to root@127.0.0.1:2222 via deploy@bastion.example:22 (connect timeout 10 s, keep-alive every 5 s), its login shell running: printf 'pipeline-remote-group:%s\\n' \"$$\" >&2; <command>", plan);
        Assert.Contains(plan, l => l.StartsWith("jump host: deploy@bastion.example:22 (STAGING_JUMP)", StringComparison.Ordinal));
    }
}

