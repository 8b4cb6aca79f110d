using Pipeline.Staging;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Staging;

/// <summary>
/// The host key check's matching, with real keys from ssh-keygen and hashed names from ssh-keygen -H: every form a
/// known_hosts line can take, and that nothing else gets through.
/// </summary>
public sealed class KnownHostsMatcherTests(KnownHostsMatcherTests.HostKeys keys) : IClassFixture<KnownHostsMatcherTests.HostKeys>, IDisposable
{
    /// <summary>Host keys of each type, and one more ed25519 key, made once for the class (RSA keys take a while).</summary>
    public sealed class HostKeys : IAsyncLifetime
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("known-hosts-").FullName;

        public Dictionary<string, (string Line, byte[] Blob)> ByType { get; } = new();

        public (string Line, byte[] Blob) Other { get; private set; }

        public async ValueTask InitializeAsync()
        {
            foreach (var type in new[] { "ed25519", "ecdsa", "rsa" }) ByType[type] = await KeyAsync(type);
            Other = await KeyAsync("ed25519", "other");
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Dir, recursive: true);
            return ValueTask.CompletedTask;
        }

        private async Task<(string, byte[])> KeyAsync(string type, string name = "host")
        {
            var path = await SshKeys.GenerateAsync(Dir, $"{name}_{type}", type);
            var fields = (await File.ReadAllTextAsync(path + ".pub")).Split(' ');
            return (fields[0] + " " + fields[1], Convert.FromBase64String(fields[1]));
        }
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("known-hosts-file-").FullName;
    private readonly Dictionary<string, (string Line, byte[] Blob)> _keys = keys.ByType;
    private readonly (string Line, byte[] Blob) _other = keys.Other;

    private static readonly SshEndpoint Port22 = new("root", "staging.example", 22);
    private static readonly SshEndpoint Port2222 = new("root", "127.0.0.1", 2222);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private byte[] Ed => _keys["ed25519"].Blob;

    private string EdLine => _keys["ed25519"].Line;

    private static HostKeyOutcome Outcome(string text, SshEndpoint endpoint, byte[] key) =>
        KnownHostsMatcher.Parse(text, "test").Check(endpoint, key).Outcome;

    [Fact]
    public void A_plain_host_entry_matches_only_its_host_on_port_22()
    {
        var text = $"staging.example {EdLine}\n";
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(text, Port22, Ed));
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(text, Port22 with { Address = "STAGING.example" }, Ed));
        Assert.Equal(HostKeyOutcome.Unknown, Outcome(text, Port22 with { Address = "other.example" }, Ed));
        // As in OpenSSH: a bare name is port 22 only; another port is looked up as [host]:port.
        Assert.Equal(HostKeyOutcome.Unknown, Outcome(text, Port22 with { Port = 2222 }, Ed));
    }

    [Fact]
    public void A_bracketed_host_and_port_entry_matches_that_port_only_and_a_bare_address_does_not_match_a_non_22_port()
    {
        Assert.Equal(HostKeyOutcome.Trusted, Outcome($"[127.0.0.1]:2222 {EdLine}", Port2222, Ed));
        Assert.Equal(HostKeyOutcome.Unknown, Outcome($"[127.0.0.1]:2222 {EdLine}", Port2222 with { Port = 2223 }, Ed));
        Assert.Equal(HostKeyOutcome.Unknown, Outcome($"[127.0.0.1]:2222 {EdLine}", Port2222 with { Port = 22 }, Ed));
        Assert.Equal(HostKeyOutcome.Unknown, Outcome($"127.0.0.1 {EdLine}", Port2222, Ed));
    }

    [Fact]
    public void A_comma_list_matches_each_of_its_names_and_a_negated_name_rules_the_line_out()
    {
        var text = $"web-1.example,[127.0.0.1]:2222,10.0.0.5 {EdLine}";
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(text, Port2222, Ed));
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(text, new SshEndpoint("root", "10.0.0.5", 22), Ed));
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(text, new SshEndpoint("root", "web-1.example", 22), Ed));

        var wildcard = $"*.example,!evil.example {EdLine}";
        Assert.Equal(HostKeyOutcome.Trusted, Outcome(wildcard, Port22, Ed));
        Assert.Equal(HostKeyOutcome.Unknown, Outcome(wildcard, Port22 with { Address = "evil.example" }, Ed));
        Assert.Equal(HostKeyOutcome.Trusted, Outcome($"staging.exampl? {EdLine}", Port22, Ed));
    }

    [Fact]
    public async Task Hashed_entries_written_by_ssh_keygen_H_match_their_host_and_port_and_nothing_else()
    {
        var file = Path.Combine(_dir, "known_hosts");
        await File.WriteAllTextAsync(file, $"staging.example {EdLine}\n[127.0.0.1]:2222 {_keys["ecdsa"].Line}\n", TestContext.Current.CancellationToken);
        var (exit, output) = await ScriptProcess.RunAsync("ssh-keygen", ["-H", "-f", file], _dir, new Dictionary<string, string?>(), TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, output);
        var hashed = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("staging.example", hashed);
        Assert.DoesNotContain("127.0.0.1", hashed);
        Assert.All(hashed.Trim().Split('\n'), l => Assert.StartsWith("|1|", l));

        var matcher = KnownHostsMatcher.Load(file);
        Assert.Equal(HostKeyOutcome.Trusted, matcher.Check(Port22, Ed).Outcome);
        Assert.Equal(HostKeyOutcome.Trusted, matcher.Check(Port2222, _keys["ecdsa"].Blob).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, matcher.Check(Port22 with { Address = "staging.example2" }, Ed).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, matcher.Check(Port2222 with { Port = 2223 }, _keys["ecdsa"].Blob).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, matcher.Check(Port2222 with { Port = 22 }, _keys["ecdsa"].Blob).Outcome);
        Assert.Equal(HostKeyOutcome.Changed, matcher.Check(Port22, _other.Blob).Outcome);
        Assert.Equal(["ecdsa-sha2-nistp256"], matcher.KnownTypes(Port2222));
    }

    [Theory]
    [InlineData("ed25519", "ssh-ed25519")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
    [InlineData("rsa", "ssh-rsa")]
    public void Each_key_type_is_trusted_only_with_its_own_key(string type, string name)
    {
        var (line, blob) = _keys[type];
        Assert.StartsWith(name + " ", line);
        var text = string.Join("\n", _keys.Values.Select(k => $"staging.example {k.Line}"));
        var verdict = KnownHostsMatcher.Parse(text, "test").Check(Port22, blob);
        Assert.Equal(HostKeyOutcome.Trusted, verdict.Outcome);
        Assert.Equal(name, verdict.KeyType);
        Assert.Equal(HostKeyOutcome.Unknown, Outcome($"staging.example {line}", Port22 with { Address = "x.example" }, blob));
    }

    [Fact]
    public void Another_key_of_the_same_type_is_a_changed_host_and_of_another_type_an_unknown_one()
    {
        var text = $"staging.example {EdLine}\n";
        var changed = KnownHostsMatcher.Parse(text, "test").Check(Port22, _other.Blob);
        Assert.Equal(HostKeyOutcome.Changed, changed.Outcome);
        Assert.Equal([1], changed.Lines);
        var otherType = KnownHostsMatcher.Parse(text, "test").Check(Port22, _keys["rsa"].Blob);
        Assert.Equal(HostKeyOutcome.Unknown, otherType.Outcome);
        Assert.Equal(["ssh-ed25519"], otherType.KnownTypes);
    }

    [Fact]
    public void A_revoked_key_is_refused_even_when_another_line_pins_it_and_whatever_host_the_revoked_line_names()
    {
        Assert.Equal(HostKeyOutcome.Revoked, Outcome($"staging.example {EdLine}\n@revoked staging.example {EdLine}\n", Port22, Ed));
        Assert.Equal(HostKeyOutcome.Revoked, Outcome($"@revoked * {EdLine}\nstaging.example {EdLine}\n", Port22, Ed));
        Assert.Equal(HostKeyOutcome.Revoked, Outcome($"staging.example {EdLine}\n@revoked other.example {EdLine}\n", Port22, Ed));
        var verdict = KnownHostsMatcher.Parse($"# c\nstaging.example {EdLine}\n@revoked * {EdLine}\n", "test").Check(Port22, Ed);
        Assert.Equal([3], verdict.Lines);
        // A revoked line for another key changes nothing for this one.
        Assert.Equal(HostKeyOutcome.Trusted, Outcome($"staging.example {EdLine}\n@revoked * {_other.Line}\n", Port22, Ed));
    }

    [Fact]
    public void A_host_named_only_by_cert_authority_lines_is_refused_as_unsupported_and_a_ca_line_never_trusts_a_key()
    {
        Assert.Equal(HostKeyOutcome.CertificateOnly, Outcome($"@cert-authority *.example {EdLine}", Port22, Ed));
        Assert.Equal(HostKeyOutcome.CertificateOnly, Outcome($"@cert-authority *.example {_other.Line}", Port22, Ed));
        Assert.Equal(HostKeyOutcome.Trusted, Outcome($"@cert-authority *.example {_other.Line}\nstaging.example {EdLine}", Port22, Ed));
    }

    [Fact]
    public void Lines_that_are_not_host_key_lines_are_skipped_and_counted_and_never_trust_anything()
    {
        var base64 = EdLine.Split(' ')[1];
        var text = $"""
            # a comment
            staging.example ssh-ed25519
            staging.example ssh-rsa {base64}
            @unknown-marker staging.example {EdLine}
            staging.example ssh-ed25519 not-base64!

            staging.example {EdLine}
            """;
        var matcher = KnownHostsMatcher.Parse(text, "test");
        Assert.Equal([2, 3, 4, 5], matcher.Skipped);
        Assert.Equal([7], matcher.Check(Port22, Ed).Lines);
        Assert.Equal(HostKeyOutcome.Unknown, Outcome(string.Join("\n", text.Split('\n').Take(5)), Port22, Ed));
    }

    [Fact]
    public async Task The_fingerprint_is_the_one_ssh_keygen_prints()
    {
        var pub = Path.Combine(keys.Dir, "host_ed25519.pub");
        var (exit, output) = await ScriptProcess.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", pub], _dir, new Dictionary<string, string?>(), TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, output);
        Assert.Equal(output.Split(' ')[1], KnownHostsMatcher.Fingerprint(Ed));
    }

    [Fact]
    public void A_missing_file_pins_nothing()
    {
        var matcher = KnownHostsMatcher.Load(Path.Combine(_dir, "absent"));
        Assert.Equal(HostKeyOutcome.Unknown, matcher.Check(Port22, Ed).Outcome);
        Assert.Equal(Path.Combine(_dir, "absent"), matcher.Origin);
    }
}
