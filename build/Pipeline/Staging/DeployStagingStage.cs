using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// DeployStaging: the pushed image onto every staging host in turn, each health-gated and switched through its
/// proxy with no request lost; a host whose new container fails the gate keeps its old one and ends the deploy.
/// </summary>
public sealed class DeployStagingStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe() => new StagingPlan(StagingSettings.From(context.Settings), context.RunId).DescribeDeploy(context.Settings);

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = StagingSettings.From(context.Settings);
        Log.Step($"Deploying {settings.Image} to {string.Join(", ", settings.Hosts.Select(h => h.Name))}, one host at a time");
        var login = await context.RegistryLoginAsync(cancellation);
        await new StagingRollout(settings, "DeployStaging", context.RunId)
            .RunAsync((host, token) => host.DeployAsync(token), cancellation, prepare: async (host, token) =>
            {
                await host.CheckAppPortAsync(token);
                await host.PullAsync(login, token);
            });
    }
}
