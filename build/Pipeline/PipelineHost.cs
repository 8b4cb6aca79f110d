using System.Diagnostics;
using System.Runtime.InteropServices;
using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline;

/// <summary>
/// What build.cake talks to: it parses the command line, resolves the settings once, prints the banner, and runs
/// each target's stage with --skip, --dryrun, error reporting and the final summary applied in one place.
/// </summary>
public sealed class PipelineHost : IDisposable
{
    // build.sh passes its arguments in one variable, joined by the ASCII unit separator, so that Cake's parser
    // (which would take --help and --dryrun for itself) never sees them.
    private const string ArgvVariable = "PIPELINE_ARGV";
    private const char ArgvSeparator = '\x1f';
    private const string RootVariable = "PIPELINE_ROOT";

    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _signals;
    private readonly List<(string Target, string Outcome, TimeSpan Duration)> _outcomes = [];
    private readonly string _runId = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
    private StageContext? _context;
    private HashSet<string> _skip = new(StringComparer.OrdinalIgnoreCase);
    private bool _dryRun;

    public PipelineHost()
    {
        // Ctrl-C (SIGINT), a CI cancel (SIGTERM; GitHub sends SIGINT, then SIGTERM 7.5 s later), a closed terminal
        // or SSH session (SIGHUP), and SIGQUIT all come here: the first one cancels, so stages clean up after
        // themselves, and the run exits 128 + the signal's number.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];
    }

    /// <summary>128 + the number of the signal that cancelled the run (130 SIGINT, 143 SIGTERM, 129 SIGHUP), else 0.</summary>
    public int SignalExitCode { get; private set; }

    /// <summary>Returns the targets Cake should run, or exits the process for --help, --plan and bad input.</summary>
    public IReadOnlyList<string> Start(IEnumerable<TargetInfo> targets, string defaultTarget)
    {
        try
        {
            // Cake runs the script from build/; every path the pipeline reads is relative to the repository root.
            if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root) Directory.SetCurrentDirectory(root);
            var graph = new TargetGraph(targets, defaultTarget);
            var invocation = CommandLineParser.Parse(ReadArgv(), graph);
            var values = SettingsResolver.Resolve(invocation.Values, Environment.GetEnvironmentVariable, ReadPipelineJson());
            if (values.Flag(PipelineParameters.Help)) Exit(0, HelpRenderer.Render(graph, PipelineParameters.All));

            var requested = invocation.Targets.Count > 0 ? invocation.Targets : [graph.Default];
            _skip = values.List(PipelineParameters.Skip).Select(graph.Canonical).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var order = graph.ExecutionOrder(requested);
            if (values.Flag(PipelineParameters.Plan)) Exit(0, PlanText(order));

            _dryRun = values.Flag(PipelineParameters.DryRun);
            var settings = PipelineSettings.From(values, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable, Build.SourceRevision.Git);
            // Derived settings are checked here too, so a bad tag fails before any target runs.
            _ = Registry.PublishSettings.From(settings);
            var running = order.Where(t => !_skip.Contains(t)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Registry.RegistryRequirement.Check(settings, running);
            foreach (var line in EnvironmentBanner.Lines(settings, _runId, _dryRun, SandboxParts.Uses(running, SandboxParts.Staging))) Log.Info(line);
            if (settings.IsSandbox && !_dryRun && SandboxParts.Needed(running))
                settings.Sandbox.EnsureUpAsync(settings.RepositoryRoot, SandboxParts.Unused(running),
                    SandboxParts.Unused(running).Count < SandboxParts.Optional.Count
                        ? SandboxApp.From(settings, Production.ProductionSettings.ServiceName(settings)) : null,
                    _cancellation.Token).GetAwaiter().GetResult();

            _context = new StageContext(settings, _runId, () => new DockerEngine(DockerEndpoint.Parse(settings.DockerHost, settings.DockerCertPath)), graph)
            {
                Running = running,
            };
            return requested;
        }
        catch (PipelineException e)
        {
            ErrorReport.Print(null, e);
            Exit(2);
            throw; // unreachable: Exit ends the process
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Log.Warn("cancelled before any target started");
            Exit(SignalExitCode);
            throw; // unreachable
        }
    }

    /// <summary>Runs one target's stage. A failure is printed here, then rethrown short so Cake fails the build.</summary>
    public async Task Run(string target, Func<StageContext, IStage> createStage)
    {
        var context = _context ?? throw new InvalidOperationException("Start must run before any target.");
        if (_skip.Contains(target))
        {
            Log.Note($"{target} skipped (--skip)");
            _outcomes.Add((target, "skipped", TimeSpan.Zero));
            return;
        }

        var clock = Stopwatch.StartNew();
        if (_cancellation.IsCancellationRequested)
        {
            _outcomes.Add((target, "cancelled", TimeSpan.Zero));
            throw new TargetFailedException(target, "cancelled by a signal before it started");
        }
        try
        {
            var stage = createStage(context);
            if (_dryRun)
            {
                Log.Step($"{target} would:");
                foreach (var line in stage.Describe()) Log.Note(line);
                _outcomes.Add((target, "dry run", TimeSpan.Zero));
                return;
            }
            await stage.RunAsync(_cancellation.Token);
            _outcomes.Add((target, "succeeded", clock.Elapsed));
        }
        catch (PipelineException e)
        {
            _outcomes.Add((target, "failed", clock.Elapsed));
            ErrorReport.Print(target, e);
            throw new TargetFailedException(target, Redactor.Redact(e.Message));
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            _outcomes.Add((target, "cancelled", clock.Elapsed));
            throw new TargetFailedException(target, "cancelled by a signal");
        }
        catch (Exception e) when (e is not TargetFailedException)
        {
            _outcomes.Add((target, "failed", clock.Elapsed));
            Log.Error($"{target} failed unexpectedly: {e}");
            throw new TargetFailedException(target, Redactor.Redact(e.Message));
        }
    }

    /// <summary>The run summary, the only one printed: one line per target, then what the stages produced.</summary>
    public void Finish()
    {
        if (_outcomes.Count == 0) return;
        Log.Info("");
        Log.Info($"Run {_runId} summary:");
        foreach (var (target, outcome, duration) in _outcomes)
            Log.Info($"  {target,-20} {outcome,-10} {duration.TotalSeconds,6:0.0} s");
        foreach (var line in RunSummary.Lines) Log.Info("  " + line);
        StepSummary.AppendIfRequested(Environment.GetEnvironmentVariable, StepSummary.Render(_runId, _outcomes, RunSummary.Lines));
        // A failed run ends here, with the code Cake would give it: Cake 7.0.0 prints its own task table after a
        // failure even with NoReport set (build/cake.config; it checks the setting on success only), and that table
        // calls skipped and dry-run targets "Succeeded". A cancelled run ends with the signal's conventional code.
        var code = RunExitCode.For(_outcomes.Select(o => o.Outcome), SignalExitCode);
        if (code != 0) Exit(code);
    }

    public void Dispose()
    {
        foreach (var registration in _signals) registration.Dispose();
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var name = context.Signal.ToString();
        lock (_cancellation)
        {
            if (SignalExitCode == 0)
            {
                SignalExitCode = 128 + SignalNumber(context.Signal);
                Log.Warn($"{name}: cancelling; each target cleans up what it started (Ctrl-C again aborts at once)");
                _cancellation.Cancel();
                return;
            }
        }
        // A person pressing Ctrl-C again, or SIGQUIT, wants out now: only the must-happen cleanups run. A CI's
        // SIGTERM after its SIGINT, or a SIGHUP, lets the cleanup that is under way finish (it has its own limits).
        if (context.Signal is PosixSignal.SIGINT or PosixSignal.SIGQUIT)
        {
            Log.Warn($"{name} again: aborting at once; containers, locks and deploys may need ./build.sh DepsDown or StagingUnlock");
            AbortCleanup.RunAll();
            Exit(SignalExitCode);
        }
        Log.Warn($"{name}: still cleaning up after the first signal; the cleanup goes on");
    }

    // PosixSignal's values are .NET's own, not the platform's numbers.
    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        _ => 15,
    };

    private static IReadOnlyList<string> ReadArgv()
    {
        return PackedArgv.Unpack(Environment.GetEnvironmentVariable(ArgvVariable), ArgvSeparator);
    }

    private static string? ReadPipelineJson()
    {
        var path = Path.Combine(Directory.GetCurrentDirectory(), "pipeline.json");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private string PlanText(IReadOnlyList<string> order) =>
        string.Join(Environment.NewLine, order.Select((t, i) => $"{i + 1}. {t}{(_skip.Contains(t) ? "  (skipped)" : "")}")) + Environment.NewLine;

    private static void Exit(int code, string? output = null)
    {
        if (output is not null) Console.Out.Write(output);
        Console.Out.Flush();
        Environment.Exit(code);
    }
}
