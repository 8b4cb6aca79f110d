using System.Security.Cryptography;
using System.Text;
using Pipeline.Config;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Pipeline.Staging;

/// <summary>
/// The key the run logs in with, loaded once into memory: from the file (--staging-ssh-key), from the text of
/// STAGING_SSH_PRIVATE_KEY, or else OpenSSH's default key files. Nothing is written to disk, and no agent is
/// asked. A passphrase-protected key is unlocked with STAGING_SSH_KEY_PASSPHRASE.
/// </summary>
public sealed class StagingIdentity : IDisposable
{
    private static readonly string[] DefaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"];

    private StagingIdentity(string origin, IReadOnlyList<PrivateKeyFile> keys)
    {
        Origin = origin;
        Keys = keys;
    }

    /// <summary>Where the key came from, for messages (never the key).</summary>
    public string Origin { get; }

    public IReadOnlyList<PrivateKeyFile> Keys { get; }

    public static string Describe(StagingSettings settings) =>
        settings.SshPrivateKey is not null ? PipelineParameters.StagingSshPrivateKey.EnvVar
        : settings.SshKey is { } path ? $"{path} ({PipelineParameters.StagingSshKey.CliName} / {PipelineParameters.StagingSshKey.EnvVar})"
        : $"the first of ~/.ssh/{string.Join(", ", DefaultKeyNames)} that exists (no key is configured)";

    public static StagingIdentity Load(StagingSettings settings)
    {
        var origin = Describe(settings);
        var passphrase = settings.SshKeyPassphrase?.Reveal();
        if (settings.SshPrivateKey is { } text) return new(origin, [Open(Encoding.UTF8.GetBytes(text.Reveal()), passphrase, origin)]);
        if (settings.SshKey is { } path) return new(origin, [Open(Read(path, origin), passphrase, origin)]);

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
        var found = DefaultKeyNames.Select(n => Path.Combine(home, n)).FirstOrDefault(File.Exists)
            ?? throw new PipelineException(
                "No staging SSH key is configured, and none of the default key files exists",
                $"Set {PipelineParameters.StagingSshKey.CliName} / {PipelineParameters.StagingSshKey.EnvVar} to a key file, or {PipelineParameters.StagingSshPrivateKey.EnvVar} to the key itself (a CI secret); ssh-agent is not used.",
                $"looked for: {string.Join(", ", DefaultKeyNames.Select(n => Path.Combine(home, n)))}");
        return new(found, [Open(Read(found, found), passphrase, found)]);
    }

    public void Dispose()
    {
        foreach (var key in Keys) key.Dispose();
    }

    private static byte[] Read(string path, string origin)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException($"The staging SSH key {origin} could not be read", "Point the setting at a readable private key file.", e.Message);
        }
    }

    private static PrivateKeyFile Open(byte[] bytes, string? passphrase, string origin)
    {
        var passphraseVar = PipelineParameters.StagingSshKeyPassphrase.EnvVar;
        try
        {
            return Load(bytes, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new PipelineException(
                $"The staging SSH key ({origin}) is passphrase-protected and {passphraseVar} is not set",
                $"Set {passphraseVar} (a secret: environment only) to its passphrase, or use a deploy key without one.");
        }
        catch (Exception e) when (e is SshException or ArgumentException or FormatException or CryptographicException or InvalidOperationException)
        {
            // Said without SSH.NET's own message: a failed decryption reports numbers taken from the key.
            if (passphrase is not null && IsEncrypted(bytes))
                throw new PipelineException(
                    $"The staging SSH key ({origin}) could not be unlocked with the passphrase in {passphraseVar}",
                    $"Set {passphraseVar} to this key's passphrase (ssh-keygen -y -f <key> asks for it and shows whether it is right).");
            throw new PipelineException(
                $"The staging SSH key ({origin}) is not a private key SSH.NET can read",
                "Give an OpenSSH private key (ssh-keygen -t ed25519 writes one), or a PEM or PKCS#8 RSA/ECDSA key; not a public key.",
                e.GetType().Name);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static PrivateKeyFile Load(byte[] bytes, string? passphrase)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
    }

    private static bool IsEncrypted(byte[] bytes)
    {
        try
        {
            Load(bytes, null).Dispose();
            return false;
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
