using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Staging;

/// <summary>Keys made by ssh-keygen, as a user makes them (OpenSSH format), in directories the tests own.</summary>
public static class SshKeys
{
    private static readonly Lazy<Task<string>> Shared = new(async () =>
    {
        var directory = Directory.CreateTempSubdirectory("test-ssh-client-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return await GenerateAsync(directory, "client", "ed25519");
    });

    /// <summary>One ed25519 client key without passphrase for the whole test run; every TestSshd accepts it.</summary>
    public static Task<string> SharedClientAsync() => Shared.Value;

    /// <returns>The private key's path; the public key is beside it, with .pub.</returns>
    public static async Task<string> GenerateAsync(string directory, string name, string type, string passphrase = "", int? bits = null)
    {
        var path = Path.Combine(directory, name);
        string[] size = bits is { } b ? ["-b", b.ToString()] : [];
        var (exit, output) = await ScriptProcess.RunAsync("ssh-keygen", ["-q", "-t", type, .. size, "-N", passphrase, "-C", name, "-f", path], directory,
            new Dictionary<string, string?>(), TimeSpan.FromSeconds(60));
        if (exit != 0) throw new InvalidOperationException($"ssh-keygen -t {type} failed: {output}");
        return path;
    }
}
