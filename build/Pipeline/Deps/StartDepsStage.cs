using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>
/// StartDeps: the run's network and the dependency services, ready and with their schemas imported. On success they are kept
/// (Test removes them at its end, or DepsDown does); on failure or Ctrl-C whatever was created goes at once.
/// </summary>
public sealed class StartDepsStage(StageContext context) : IStage
{
    private readonly DepsOptions _options = DepsOptions.From(context.Settings.Values);
    private readonly DepsPlan _plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);

    public IEnumerable<string> Describe() =>
        _plan.Describe(_options, service => SchemaFile.Locate(context.Settings, service.Schema!.File, service.Alias));

    public async Task RunAsync(CancellationToken cancellation)
    {
        var schemas = SchemaFile.LocateAll(context.Settings, _plan);
        var deps = new DepsEnvironment(context.Docker, _plan, _options);
        try
        {
            await deps.StartAsync(schemas, cancellation);
        }
        catch when (!_options.Keep)
        {
            Log.Note("StartDeps did not finish: removing what it created");
            await deps.TeardownAsync();
            throw;
        }
        var services = _plan.Services.Select(s => $"{s.ContainerName} ({s.Image})" + (s.HostPort == 0 ? "" : $" on 127.0.0.1:{s.HostPort}"));
        RunSummary.Add($"deps: {string.Join(", ", services.DefaultIfEmpty("no services"))}, network {_plan.Network}");
    }
}
