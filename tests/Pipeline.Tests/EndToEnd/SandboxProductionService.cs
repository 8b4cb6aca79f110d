namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The sandbox's production service as a test class found it: its revision is put back at the end, so the images
/// the class deployed are no longer in use and go with the class (the next class finds the service as it was).
/// </summary>
public sealed class SandboxProductionService
{
    private string? _before;

    public async Task RememberAsync() => _before = await CurrentAsync();

    public async Task RestoreAsync()
    {
        if (_before is null || await CurrentAsync() == _before) return;
        await SandboxAwsCli.RunAsync("ecs", "update-service", "--cluster", "sandbox", "--service", "sample-app", "--task-definition", _before);
        for (var waited = 0; waited < 180; waited += 2)
        {
            var service = (await SandboxAwsCli.RunAsync("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!;
            var deployments = service["deployments"]!.AsArray();
            if (deployments.Count == 1 && (string?)deployments[0]!["rolloutState"] == "COMPLETED") return;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        throw new TimeoutException($"the sandbox's production service did not settle back on {_before}");
    }

    private static async Task<string> CurrentAsync() =>
        (string)(await SandboxAwsCli.RunAsync("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!["taskDefinition"]!;
}
