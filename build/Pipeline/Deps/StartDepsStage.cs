using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>
/// StartDeps: the run's network, MySQL and Redis, ready and with the schema imported. On success they are kept
/// (Test removes them at its end, or DepsDown does); on failure or Ctrl-C whatever was created goes at once.
/// </summary>
public sealed class StartDepsStage(StageContext context) : IStage
{
    private readonly DepsOptions _options = DepsOptions.From(context.Settings.Values);
    private readonly DepsPlan _plan = DepsPlan.For(context.Settings, context.RunId);

    public IEnumerable<string> Describe() => _plan.Describe(_options, SchemaFile.Locate(context.Settings));

    public async Task RunAsync(CancellationToken cancellation)
    {
        var schema = SchemaFile.Locate(context.Settings);
        var deps = new DepsEnvironment(context.Docker, _plan, _options);
        try
        {
            await deps.StartAsync(schema, cancellation);
        }
        catch when (!_options.Keep)
        {
            Log.Note("StartDeps did not finish: removing what it created");
            await deps.TeardownAsync();
            throw;
        }
        var mysql = _plan.Mysql;
        var redis = _plan.Redis;
        RunSummary.Add($"deps: {mysql.ContainerName} ({mysql.Image}) on 127.0.0.1:{mysql.HostPort}, " +
            $"{redis.ContainerName} ({redis.Image}) on 127.0.0.1:{redis.HostPort}, network {_plan.Network}");
    }
}
