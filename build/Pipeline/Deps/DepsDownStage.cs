using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>DepsDown: removes the dependency containers and networks of every run (a DepsUp's, a kept Test's).</summary>
public sealed class DepsDownStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        yield return $"remove every container and network labelled {DepsPlan.DepsLabel}={context.DepsNaming.Prefix} " +
            "(MySQL, Redis, test containers of any run)";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var (containers, networks) = await DepsEnvironment.RemoveAllAsync(context.Docker, context.DepsNaming, cancellation);
        Log.Note(containers + networks == 0
            ? "no dependency containers or networks to remove"
            : $"removed {containers} container(s) and {networks} network(s)");
    }
}
