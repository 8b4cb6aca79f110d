using System.Diagnostics;
using System.Text;
using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// Runs remote commands on one staging host through the OpenSSH client. Every command has a timeout; ssh's own
/// failures (unknown host key, unreachable host) become errors that say which host and what to do.
/// </summary>
public sealed class SshConnection(StagingHost host, SshOptions options)
{
    // ssh exits 255 for its own errors; a remote command's exit code is passed through otherwise.
    private const int SshFailure = 255;

    public StagingHost Host { get; } = host;

    public SshOptions Options { get; } = options;

    /// <summary>The full local command line, as --dryrun prints it (the remote line follows "--").</summary>
    public string Describe(RemoteCommand command) => ShellQuote.Join(Options.For(Host)) + " " + ShellQuote.QuoteText(command.Line)
        + (command.Stdin is null ? "" : " <<< [REDACTED]");

    /// <summary>Runs the command; a non-zero remote exit code is returned, not thrown.</summary>
    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Options.For(Host).Skip(1)) start.ArgumentList.Add(argument);
        start.ArgumentList.Add(command.Line);

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException("The OpenSSH client (ssh) is not installed", "Install it (apt-get install openssh-client).", e.Message);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (command.Stdin is not null) await process.StandardInput.WriteAsync(command.Stdin.Reveal());
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ssh exited before reading its input (e.g. it could not connect): its exit code tells why.
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(command.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellation.IsCancellationRequested) throw;
            throw new PipelineException(
                $"{command.Purpose} on {Host.Name} did not finish within {command.Timeout.TotalSeconds:0} s",
                $"Check that {Host.SshTarget} answers and its docker engine is healthy; the step was stopped.",
                command.Display);
        }
        process.WaitForExit();
        var result = new RemoteResult(process.ExitCode, output.ToString().TrimEnd(), error.ToString().TrimEnd());
        if (result.ExitCode == SshFailure) ThrowIfSshFailed(result.Error);
        return result;
    }

    /// <summary>Runs the command and fails the step when it exits non-zero, with its output as the detail.</summary>
    public async Task<RemoteResult> RunCheckedAsync(RemoteCommand command, CancellationToken cancellation)
    {
        var result = await RunAsync(command, cancellation);
        if (!result.Succeeded)
            throw new PipelineException(
                $"{command.Purpose} failed on {Host.Name} (exit code {result.ExitCode})",
                "Read the host's output below; the command is shown first.",
                command.Display + "\n" + result.Combined);
        return result;
    }

    /// <summary>Closes the multiplexed master connection, if one is up.</summary>
    public async Task CloseAsync()
    {
        try
        {
            var exit = Options.Exit(Host);
            await LocalProcess.RunAsync(exit[0], exit.Skip(1), _ => { }, TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (TimeoutException e)
        {
            Log.Warn($"closing the SSH connection to {Host.Name}: {e.Message}");
        }
    }

    private void ThrowIfSshFailed(string error)
    {
        var knownHosts = Options.KnownHostsName ?? Options.KnownHosts ?? "~/.ssh/known_hosts";
        if (error.Contains("Host key verification failed", StringComparison.Ordinal)
            || error.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
            throw new PipelineException(
                $"Staging host {Host.Name} ({Host.SshTarget}) refused: host key not in {knownHosts}",
                $"If the host is really yours, add its key to {knownHosts} (ssh-keyscan -p {Host.SshPort} {Host.Address}, then check the fingerprint); never turn checking off.",
                error);
        if (error.Contains("Permission denied", StringComparison.Ordinal))
            throw new PipelineException(
                $"Staging host {Host.Name} ({Host.SshTarget}) did not accept the key",
                $"Check the key ({Options.KeyName}) and the user in --staging-hosts.",
                error);
        // ConnectTimeout covers the TCP connect and sshd's banner: a host that drops packets, or hangs, ends here.
        if (error.Contains("timed out", StringComparison.Ordinal))
            throw new PipelineException(
                $"Staging host {Host.Name} ({Host.SshTarget}) did not answer within {Options.ConnectTimeout.TotalSeconds:0} s",
                "Check the address and SSH port in --staging-hosts, that sshd runs there and that no firewall drops the connection; --ssh-timeout / SSH_TIMEOUT sets the wait.",
                error);
        if (error.Contains("ssh:", StringComparison.Ordinal) || error.Contains("Connection", StringComparison.Ordinal)
            || error.Contains("Could not resolve", StringComparison.Ordinal))
            throw new PipelineException(
                $"Staging host {Host.Name} ({Host.SshTarget}) is unreachable",
                $"Check the address and SSH port in --staging-hosts, and that sshd runs there (connect timeout {Options.ConnectTimeout.TotalSeconds:0} s).",
                error);
    }
}
