using Pipeline.Cli;

namespace Pipeline.Config;

/// <summary>
/// SandboxUp: the sandbox ready for this app, as a deploy would find it: sandbox/up.sh has run before any target
/// (PipelineHost), with the staging hosts, the ECS service and the app's slot, services and env file; this target
/// says what the app got. Handy before a first deploy, and for the test suite's own setup.
/// </summary>
public sealed class SandboxUpStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        yield return "run sandbox/up.sh with the staging hosts and the ECS service, provisioning " +
            $"{context.Settings.AppName} (its slot, services with their schemas, env file, load balancer and ECS service)";
        yield return "print the app's load balancer and app ports";
    }

    public Task RunAsync(CancellationToken cancellation)
    {
        var settings = context.Settings;
        if (!settings.IsSandbox)
            throw new PipelineException(
                $"SandboxUp acts on the sandbox, and this run does not use it: {settings.SandboxReason}",
                "Run it where the sandbox can run (Debian, as root), outside CI or with --sandbox on.");
        var staging = settings.Sandbox.ReadStaging(settings.AppName);
        if (staging?.Slot is not { } slot)
            throw new PipelineException(
                $"sandbox/up.sh ran but sandbox.json names no slot for {settings.AppName}",
                "Run sandbox/up.sh by hand to see what it says; its log is above.");
        var ports = string.Join(", ", staging.Hosts.Select(h => $"{h.Name} 127.0.0.1:{h.AppPort}"));
        Log.Info($"{settings.AppName}: sandbox slot {slot}, load balancer {staging.LoadBalancer}, app ports {ports}");
        RunSummary.Add($"sandbox: {settings.AppName} in slot {slot}, behind {staging.LoadBalancer}");
        return Task.CompletedTask;
    }
}
