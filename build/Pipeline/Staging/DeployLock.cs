using System.Diagnostics;
using Pipeline.Cli;
using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// The deploy lock of one staging environment: a directory on its first host, made with mkdir (atomic: of two
/// deploys exactly one succeeds), holding holder.json. Released by the run that made it, or by StagingUnlock.
/// </summary>
public sealed class DeployLock(IRemoteHost firstHost, string name)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // $HOME is the remote user's: the lock lives with the host, not with whoever deploys. The lock directory is
    // made complete, holder.json inside, in a hidden temp directory and renamed into place (rename is atomic), so
    // a run interrupted at any point leaves either no lock or one that names it, which its release then removes.
    // Of two runs renaming at once one wins; GNU mv moves the loser's directory inside the winner's, so the loser
    // checks for that and takes its directory back out. Temp directories of interrupted runs go after an hour.
    private const string AcquireScript =
        """
        b="$HOME/.pipeline/locks"; d="$b/$1"
        mkdir -p "$b"
        find "$b" -maxdepth 1 -name ".$1.*" -mmin +60 -exec rm -rf {} + 2>/dev/null || true
        t=$(mktemp -d "$b/.$1.XXXXXX")
        printf '%s\n' "$2" > "$t/holder.json"
        if [ ! -e "$d" ] && mv "$t" "$d" 2>/dev/null && [ ! -e "$d/${t##*/}" ]; then
          echo acquired
        else
          rm -rf "$t" "$d/${t##*/}"
          echo held; cat "$d/holder.json" 2>/dev/null || true
        fi
        """;

    // Only the run that holds the lock removes it; a lock taken over by StagingUnlock and another deploy stays.
    private const string ReleaseScript =
        """
        d="$HOME/.pipeline/locks/$1"
        if grep -qF "\"runId\":\"$2\"" "$d/holder.json" 2>/dev/null; then rm -rf "$d" && echo released; else echo "not held by $2"; fi
        """;

    private const string ShowScript =
        """
        d="$HOME/.pipeline/locks/$1"
        if [ -d "$d" ]; then echo held; cat "$d/holder.json" 2>/dev/null || true; else echo free; fi
        """;

    private const string BreakScript =
        """
        d="$HOME/.pipeline/locks/$1"
        if [ -d "$d" ]; then echo held; cat "$d/holder.json" 2>/dev/null || true; rm -rf "$d"; else echo free; fi
        """;

    public static RemoteCommand AcquireCommand(string name, LockHolder holder) =>
        RemoteCommand.Script("take the deploy lock", AcquireScript, name, holder.ToJson());

    public static RemoteCommand ReleaseCommand(string name, string runId) =>
        RemoteCommand.Script("release the deploy lock", ReleaseScript, name, runId);

    public static RemoteCommand ShowCommand(string name) => RemoteCommand.Script("read the deploy lock", ShowScript, name);

    public static RemoteCommand BreakCommand(string name) => RemoteCommand.Script("remove the deploy lock", BreakScript, name);

    /// <summary>Takes the lock, waiting up to <paramref name="wait"/> for another holder; fails naming the holder.</summary>
    /// <summary>
    /// This run took the lock, or was cancelled while its acquire was on the host (the host may have made it):
    /// only then is there anything for <see cref="ReleaseAsync"/> to release. A host that could not even be
    /// reached holds nothing of this run's.
    /// </summary>
    public bool MayHold { get; private set; }

    public async Task AcquireAsync(LockHolder holder, TimeSpan wait, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var announced = false;
        while (true)
        {
            RemoteResult result;
            try
            {
                result = await firstHost.RunCheckedAsync(AcquireCommand(name, holder), cancellation);
            }
            catch (OperationCanceledException)
            {
                MayHold = true;
                throw;
            }
            var (state, other) = Parse(result.Output);
            if (state == "acquired")
            {
                MayHold = true;
                Log.Note($"deploy lock '{name}' taken on {firstHost.Host.Name}" + (announced ? $" after {clock.Elapsed.TotalSeconds:0.0} s" : ""));
                return;
            }
            // The holder file lands a moment after the mkdir that took the lock: ask again rather than name no one.
            for (var retry = 0; other is null && retry < 8; retry++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
                (_, other) = Parse((await firstHost.RunCheckedAsync(ShowCommand(name), cancellation)).Output);
            }
            var holderText = other?.ToString() ?? "a deploy that has not written its holder file (look in the lock directory)";
            if (clock.Elapsed >= wait)
                throw new PipelineException(
                    $"Staging is locked by {holderText}",
                    wait > TimeSpan.Zero
                        ? $"Waited {wait.TotalSeconds:0} s. Try again when it is done; if that run is dead, release it with ./build.sh StagingUnlock."
                        : "Wait for it (--lock-wait SECONDS), or if that run is dead, release it with ./build.sh StagingUnlock.",
                    $"lock: ~/.pipeline/locks/{name} on {firstHost.Host.Name}");
            if (!announced)
            {
                Log.Note($"staging is locked by {holderText}; waiting up to {wait.TotalSeconds:0} s");
                announced = true;
            }
            await Task.Delay(PollInterval, cancellation);
        }
    }

    /// <summary>Releases the lock if this run holds it; never throws (it runs on the way out of a failure too).</summary>
    public async Task ReleaseAsync(string runId)
    {
        try
        {
            // Not the run's token: after Ctrl-C the lock must still go.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await firstHost.RunAsync(ReleaseCommand(name, runId), timeout.Token);
            // A run that never got the lock (another held it, or a cancel came first) finds it not its own.
            if (result.Output.Trim() == "released") Log.Note($"deploy lock '{name}' released");
            else Log.Note($"deploy lock '{name}': {result.Combined.Trim()}");
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"could not release the deploy lock '{name}' on {firstHost.Host.Name}: {Redactor.Redact(e.Message)}; release it with ./build.sh StagingUnlock");
        }
    }

    public static (string State, LockHolder? Holder) Parse(string output)
    {
        var lines = output.Split('\n', 2);
        var holder = lines.Length > 1 ? LockHolder.TryParse(lines[1].Trim()) : null;
        return (lines[0].Trim(), holder);
    }
}
