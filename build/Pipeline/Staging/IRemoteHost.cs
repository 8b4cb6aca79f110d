namespace Pipeline.Staging;

/// <summary>
/// A staging host that runs remote commands: the seam between what the deploy does (HostDeployment, the lock, the
/// health gate) and how commands reach the host (SSH.NET, or a test's stand-in).
/// </summary>
public interface IRemoteHost
{
    StagingHost Host { get; }

    /// <summary>How the host is reached, as --dryrun and errors say it: user@address:port, and the jump host if any.</summary>
    string Target { get; }

    /// <summary>Runs the command; a non-zero remote exit code is returned, not thrown. Every command has its timeout.</summary>
    Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellation);

    /// <summary>Runs the command and fails the step when it exits non-zero, with its output as the detail.</summary>
    async Task<RemoteResult> RunCheckedAsync(RemoteCommand command, CancellationToken cancellation)
    {
        var result = await RunAsync(command, cancellation);
        if (!result.Succeeded)
            throw new PipelineException(
                $"{command.Purpose} failed on {Host.Name} (exit code {result.ExitCode})",
                "Read the host's output below; the command is shown first.",
                command.Display + "\n" + result.Combined);
        return result;
    }
}
