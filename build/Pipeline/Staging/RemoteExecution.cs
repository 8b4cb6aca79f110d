using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Cli;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Pipeline.Staging;

/// <summary>
/// One remote command on an open connection, in its own channel: stdin payload, both output streams, exit code,
/// its timeout, and a stop that leaves nothing running on the host.
/// </summary>
/// <remarks>
/// Closing the channel does not stop a command: sshd leaves a command without a terminal running, and refuses
/// the SSH "signal" request for root logins (post-auth privilege separation is off for root, and sshd answers
/// "session signalling requires privilege separation"). So every command first tells its process group on
/// stderr (sshd makes each session a process group of its own, led by the login shell, so $$ is its id), and a
/// stop sends TERM to that group from a second channel, then KILL to what is left two seconds later.
/// </remarks>
public static partial class RemoteExecution
{
    public const string GroupMarker = "pipeline-remote-group:";

    /// <summary>The line as sent: the marker, then the command's own line unchanged (so quoting is as before).</summary>
    public static string WireLine(string line) => $"printf '{GroupMarker}%s\\n' \"$$\" >&2; {line}";

    // Runs detached from the stop's channel, so the stop returns at once; output goes nowhere so sshd need not wait.
    private const string StopScript =
        """
        kill -s TERM -- "-$1" 2>/dev/null || exit 0
        (sleep 2; kill -s KILL -- "-$1" 2>/dev/null) >/dev/null 2>&1 </dev/null &
        """;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(2);

    /// <summary>Runs the command; a non-zero exit is returned. A timeout throws naming <paramref name="where"/>, a cancel rethrows.</summary>
    public static async Task<RemoteResult> RunAsync(SshClient client, RemoteCommand command, string where, CancellationToken cancellation)
    {
        using var ssh = client.CreateCommand(WireLine(command.Line), Encoding.UTF8);
        Task done;
        try
        {
            done = ssh.ExecuteAsync(CancellationToken.None);
        }
        catch (SshException e)
        {
            throw Lost(command, where, e);
        }
        var output = Task.Run(() => new StreamReader(ssh.OutputStream, Encoding.UTF8).ReadToEnd(), CancellationToken.None);
        var errors = new RemoteErrorOutput(ssh.ExtendedOutputStream);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(command.Timeout);
        try
        {
            await SendStdinAsync(ssh, command).WaitAsync(deadline.Token);
            await done.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await StopAsync(client, errors, where);
            cancellation.ThrowIfCancellationRequested();
            throw new PipelineException(
                $"{command.Purpose} on {where} did not finish within {command.Timeout.TotalSeconds:0} s",
                "Check that the host answers and its docker engine is healthy; the step was stopped on the host.",
                command.Display);
        }
        catch (SshException e)
        {
            throw Lost(command, where, e);
        }

        var exitCode = ssh.ExitStatus ?? ExitCodeOf(ssh.ExitSignal);
        return new RemoteResult(exitCode, (await output).TrimEnd(), (await errors.TextAsync()).TrimEnd());
    }

    private static PipelineException Lost(RemoteCommand command, string where, SshException e) => new(
        $"The connection to {where} was lost during: {command.Purpose}",
        "Check the host and the network to it; the step may or may not have finished there. Run the target again.",
        command.Display + "\n" + e.Message, e);

    private static async Task SendStdinAsync(SshCommand ssh, RemoteCommand command)
    {
        try
        {
            // Disposing the stream sends EOF, so a command reading stdin ends, as with ssh and a closed stdin.
            await using var input = ssh.CreateInputStream();
            if (command.Stdin is not null) await input.WriteAsync(Encoding.UTF8.GetBytes(command.Stdin.Reveal()));
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The command ended before reading its input; its exit code tells how.
        }
    }

    private static async Task StopAsync(SshClient client, RemoteErrorOutput errors, string where)
    {
        var group = await errors.GroupAsync.WaitAsync(GroupWait).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (group is null)
        {
            Log.Warn($"{where}: the stopped command never said its process group; if it started, it may still run there");
            return;
        }
        try
        {
            using var stop = client.CreateCommand(RemoteCommand.Script("stop", StopScript, group).Line);
            await stop.ExecuteAsync(CancellationToken.None).WaitAsync(StopTimeout);
        }
        catch (Exception e) when (e is SshException or TimeoutException or ObjectDisposedException)
        {
            Log.Warn($"{where}: the stopped command (process group {group}) may still run there: {e.Message}");
        }
    }

    // As a POSIX shell reports a child killed by a signal: 128 + the signal's number.
    private static int ExitCodeOf(string? signal) => signal switch
    {
        "HUP" => 129, "INT" => 130, "QUIT" => 131, "ILL" => 132, "ABRT" => 134, "FPE" => 136, "KILL" => 137,
        "SEGV" => 139, "PIPE" => 141, "ALRM" => 142, "TERM" => 143, "USR1" => 138, "USR2" => 140,
        _ => 255,
    };

    /// <summary>Reads stderr as it comes, taking out the marker line and keeping its process group id.</summary>
    private sealed class RemoteErrorOutput
    {
        private readonly TaskCompletionSource<string?> _group = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task<string> _text;

        public RemoteErrorOutput(Stream stream) => _text = Task.Run(() => Read(stream));

        public Task<string?> GroupAsync => _group.Task;

        public Task<string> TextAsync() => _text;

        private string Read(Stream stream)
        {
            var reader = new StreamReader(stream, Encoding.UTF8);
            var before = new StringBuilder();
            try
            {
                // A login shell may print before the marker (a noisy .bashrc); that stays part of stderr.
                while (reader.ReadLine() is { } line)
                {
                    var match = Marker().Match(line);
                    if (match.Success)
                    {
                        _group.TrySetResult(match.Groups[1].Value);
                        return before + reader.ReadToEnd();
                    }
                    before.AppendLine(line);
                }
                return before.ToString();
            }
            finally
            {
                _group.TrySetResult(null);
            }
        }
    }

    [GeneratedRegex(@"^pipeline-remote-group:([0-9]+)\z")]
    private static partial Regex Marker();
}
