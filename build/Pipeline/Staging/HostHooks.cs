using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// The before/after-host commands (e.g. take a host out of the load balancer and put it back). They run locally
/// through sh, as a CI step would; {host} becomes the host's name, quoted, so a name can never add shell code.
/// </summary>
public sealed class HostHooks(string? before, string? after)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string Render(string template, StagingHost host) => template.Replace("{host}", ShellQuote.Quote(host.Name));

    public IEnumerable<string> Describe(StagingHost host)
    {
        if (before is not null) yield return "before-host (local): " + Render(before, host);
        if (after is not null) yield return "after-host (local):  " + Render(after, host);
    }

    public Task BeforeAsync(StagingHost host, CancellationToken cancellation) => RunAsync("before-host", before, host, cancellation);

    public Task AfterAsync(StagingHost host, CancellationToken cancellation) => RunAsync("after-host", after, host, cancellation);

    private static async Task RunAsync(string which, string? template, StagingHost host, CancellationToken cancellation)
    {
        if (template is null) return;
        var command = Render(template, host);
        Log.Note($"{which}: {command}");
        int exitCode;
        try
        {
            exitCode = await LocalProcess.RunAsync("sh", ["-c", command], line => Log.Note("  " + line), Timeout, cancellation);
        }
        catch (TimeoutException e)
        {
            throw new PipelineException($"The {which} command for {host.Name} did not finish", $"Check it by hand: {command}", e.Message);
        }
        if (exitCode != 0)
            throw new PipelineException(
                $"The {which} command for {host.Name} failed (exit code {exitCode})",
                $"Read its output above; check it by hand: {command}");
    }
}
