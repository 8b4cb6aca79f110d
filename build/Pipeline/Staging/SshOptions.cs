namespace Pipeline.Staging;

/// <summary>
/// The OpenSSH client's arguments for one host, as a value. BatchMode so nothing ever prompts; strict host key
/// checking against the pinned known_hosts only (the global file is ignored when one is given); only the given
/// key offered; one multiplexed master connection per host in a private directory, kept a short while.
/// </summary>
public sealed record SshOptions(string? KnownHosts, string? IdentityFile, TimeSpan ConnectTimeout, string ControlDirectory)
{
    // Long enough to span the gaps between a deploy's steps, short enough not to outlive a crashed run by much.
    public const int ControlPersistSeconds = 60;

    /// <summary>How errors name the known_hosts when KnownHosts is a file the run wrote (its path says nothing to the user).</summary>
    public string? KnownHostsName { get; init; }

    /// <summary>The setting the key came from, for errors.</summary>
    public string KeyName { get; init; } = "--staging-ssh-key / STAGING_SSH_KEY";

    private string ControlPath => "ControlPath=" + ConfigValue(PercentLiteral(ControlDirectory) + "/%C");

    // ssh reads an -o value as a line of ssh_config and splits it at whitespace (a TMPDIR with a space broke every
    // call), so such a value goes in double quotes, where \" and \\ stand for themselves. Both path options also
    // expand %-tokens, so a literal % is written %%.
    private static string PathValue(string path) => ConfigValue(PercentLiteral(path));

    private static string PercentLiteral(string path) => path.Replace("%", "%%");

    private static string ConfigValue(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or '#')
            ? "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""
            : value;

    public IReadOnlyList<string> For(StagingHost host)
    {
        var argv = new List<string>
        {
            "ssh", "-T",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
        };
        if (KnownHosts is not null)
            argv.AddRange(["-o", "UserKnownHostsFile=" + PathValue(KnownHosts), "-o", "GlobalKnownHostsFile=/dev/null"]);
        if (IdentityFile is not null)
            argv.AddRange(["-o", "IdentitiesOnly=yes", "-i", IdentityFile]);
        argv.AddRange(
        [
            "-o", $"ConnectTimeout={(int)Math.Ceiling(ConnectTimeout.TotalSeconds)}",
            // A dead peer is noticed within ~15 s instead of hanging until the step's own timeout.
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
            "-o", "ControlMaster=auto",
            // %C is a hash of host, port and user: short enough for the 108-byte socket path limit.
            "-o", ControlPath,
            "-o", $"ControlPersist={ControlPersistSeconds}",
            "-o", "LogLevel=ERROR",
            "-p", host.SshPort.ToString(),
            "-l", host.User,
            host.Address,
            "--",
        ]);
        return argv;
    }

    /// <summary>Asks the host's master connection to exit, so nothing is left behind after the run.</summary>
    public IReadOnlyList<string> Exit(StagingHost host) =>
        ["ssh", "-o", ControlPath, "-p", host.SshPort.ToString(), "-l", host.User, "-O", "exit", host.Address];
}
