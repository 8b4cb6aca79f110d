using System.Diagnostics;
using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>
/// Shell: an interactive shell in the testing image, on the dependencies' network, with the services' &lt;NAME&gt;_HOST
/// and &lt;NAME&gt;_PORT set as for the tests; the container goes when the shell exits.
/// </summary>
public sealed class ShellStage(StageContext context) : IStage
{
    private readonly DepsPlan _plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);

    /// <summary>
    /// The docker CLI command, as a value. An interactive TTY over the Engine API means hijacking the HTTP
    /// connection, putting the local terminal in raw mode and forwarding resizes; `docker run -it` already does
    /// all that correctly, so this one target uses the CLI.
    /// </summary>
    public static IReadOnlyList<string> Command(string testingImage, DepsPlan plan, string network) =>
    [
        "run", "--rm", "-it",
        "--network", network,
        .. Build.TestContainerPlan.Environment(plan).SelectMany(pair => new[] { "-e", $"{pair.Key}={pair.Value}" }),
        "--label", $"{DepsPlan.RunIdLabel}={plan.RunId}",
        "--label", $"{DepsPlan.DepsLabel}={plan.Naming.Prefix}",
        "--label", $"{DepsPlan.RoleLabel}=shell",
        testingImage, "sh",
    ];

    public IEnumerable<string> Describe()
    {
        yield return "docker " + string.Join(' ', Command(context.Settings.Images.Testing, _plan, "<the deps network>"));
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            throw new PipelineException(
                "Shell needs an interactive terminal, but stdin or stdout is not one",
                "Run ./build.sh Shell from a terminal (not from a pipe, CI or a script).");
        }
        var image = context.Settings.Images.Testing;
        if (await context.Docker.Images.InspectAsync(image, cancellation) is null)
            throw new PipelineException($"The testing image {image} is not in the engine", "Build it first: ./build.sh DockerBuild.");
        var network = await new DepsEnvironment(context.Docker, _plan, DepsOptions.From(context.Settings.Values))
            .FindNetworkAsync(cancellation);

        var start = new ProcessStartInfo("docker") { UseShellExecute = false };
        foreach (var argument in Command(image, _plan, network)) start.ArgumentList.Add(argument);
        start.Environment["DOCKER_HOST"] = context.Settings.DockerHost;
        // DOCKER_CONTEXT is the pipeline's build-context setting; the docker CLI would read it as a context's name.
        start.Environment.Remove("DOCKER_CONTEXT");
        if (context.Settings.DockerCertPath is { } certPath)
        {
            start.Environment["DOCKER_TLS_VERIFY"] = "1";
            start.Environment["DOCKER_CERT_PATH"] = certPath;
        }
        Log.Step($"shell in {image} on {network} (exit to leave)");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new System.ComponentModel.Win32Exception("no process");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException("Could not start the docker CLI", "Install it (apt-get install docker.io) or put it on PATH.", e.Message);
        }
        using var _ = process;
        // In raw mode the terminal sends Ctrl-C to the shell as a byte, so the run's own cancellation is not
        // used to end the shell; the process ends when the user leaves it.
        await process.WaitForExitAsync(CancellationToken.None);
        if (process.ExitCode is not (0 or 130))
            Log.Note($"the shell exited with {process.ExitCode}");
    }
}
