using Pipeline.Config;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// Client keys as ssh-keygen makes them log in, from a file or from text, with a passphrase or none; and a host with
/// several host keys is asked for the type known_hosts pins.
/// </summary>
public sealed class SshKeyTypeTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _dir = Directory.CreateTempSubdirectory("ssh-key-types-").FullName;
    private readonly Dictionary<string, string> _keys = new();
    private TestSshd _sshd = null!;

    public async ValueTask InitializeAsync()
    {
        _keys["ed25519"] = await SshKeys.GenerateAsync(_dir, "plain", "ed25519");
        _keys["ed25519-passphrase"] = await SshKeys.GenerateAsync(_dir, "locked", "ed25519", passphrase: "s3cret pass");
        _keys["rsa-3072"] = await SshKeys.GenerateAsync(_dir, "rsa", "rsa", bits: 3072);
        _sshd = await TestSshd.StartAsync(hostKeyTypes: ["ed25519", "ecdsa", "rsa"], authorize: _keys.Values);
    }

    public async ValueTask DisposeAsync()
    {
        await _sshd.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<string> WhoAmIAsync(StagingSettings settings)
    {
        await using var connections = new StagingConnections(settings);
        return (await connections.For(settings.Hosts[0]).RunCheckedAsync(RemoteCommand.Of("who", "id", "-un"), Token)).Output;
    }

    [Theory]
    [InlineData("ed25519", null)]
    [InlineData("ed25519-passphrase", "s3cret pass")]
    [InlineData("rsa-3072", null)]
    public async Task A_key_file_logs_in(string key, string? passphrase)
    {
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", await File.ReadAllTextAsync(_keys[key], Token));
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd) with
        {
            SshKey = _keys[key],
            SshKeyPassphrase = passphrase is null ? null : new Secret(passphrase),
        };
        Assert.Equal("root", await WhoAmIAsync(settings));
    }

    [Theory]
    [InlineData("ed25519", null)]
    [InlineData("ed25519-passphrase", "s3cret pass")]
    [InlineData("rsa-3072", null)]
    public async Task A_key_given_as_text_logs_in(string key, string? passphrase)
    {
        var pasted = (await File.ReadAllTextAsync(_keys[key], Token)).TrimEnd('\n').Replace("\n", "\r\n");
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd) with
        {
            SshKey = null,
            SshPrivateKey = PrivateKeyText.Normalise(pasted, passphraseGiven: passphrase is not null),
            SshKeyPassphrase = passphrase is null ? null : new Secret(passphrase),
        };
        Assert.Equal("root", await WhoAmIAsync(settings));
    }

    [Theory]
    [InlineData("ssh-ed25519")]
    [InlineData("ecdsa-sha2-nistp256")]
    [InlineData("ssh-rsa")]
    public async Task A_host_with_several_host_keys_is_asked_for_the_type_known_hosts_pins(string pinned)
    {
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd, _sshd.KnownHostsLine(pinned));
        Assert.Equal("root", await WhoAmIAsync(settings));
    }
}
