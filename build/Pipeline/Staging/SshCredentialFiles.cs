namespace Pipeline.Staging;

/// <summary>
/// A key and known_hosts lines given as text, written as the files ssh reads, in the session's private directory
/// (mode 700). The key file is created with mode 600 from the start, never widened later, since ssh refuses a key
/// others can read. Both are deleted when the session ends, which a failure or the first Ctrl-C still reaches.
/// </summary>
public sealed class SshCredentialFiles : IDisposable
{
    public const string KeyFileName = "id_staging";
    public const string KnownHostsFileName = "known_hosts";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly List<string> _files = [];
    private IDisposable? _abortCleanup;

    private SshCredentialFiles()
    {
    }

    /// <summary>The key ssh is given: the written file when the key came as text, else the configured path (or none).</summary>
    public static string? KeyPath(StagingSettings settings, string directory) =>
        settings.SshPrivateKey is null ? settings.SshKey : Path.Combine(directory, KeyFileName);

    public static string? KnownHostsPath(StagingSettings settings, string directory) =>
        settings.KnownHostsLines is null ? settings.KnownHosts : Path.Combine(directory, KnownHostsFileName);

    public static SshCredentialFiles Write(StagingSettings settings, string directory)
    {
        var files = new SshCredentialFiles();
        try
        {
            if (settings.SshPrivateKey is { } key) files.Create(KeyPath(settings, directory)!, key.Reveal());
            if (settings.KnownHostsLines is { } lines) files.Create(KnownHostsPath(settings, directory)!, lines);
            // An aborted run (a second Ctrl-C) skips Dispose; the key goes even then.
            if (settings.SshPrivateKey is not null) files._abortCleanup = AbortCleanup.Register(files.Delete);
        }
        catch
        {
            files.Dispose();
            throw;
        }
        return files;
    }

    public void Dispose()
    {
        _abortCleanup?.Dispose();
        Delete();
    }

    private void Create(string path, string text)
    {
        _files.Add(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        // Windows has no mode bits (the temp dir is in the user's own profile there).
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    private void Delete()
    {
        foreach (var path in _files)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Deleting is retried by the session's directory removal; nothing more can be done from here.
            }
        }
    }
}
