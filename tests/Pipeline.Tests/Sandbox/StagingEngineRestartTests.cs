using System.Diagnostics;
using Pipeline.Docker;
using Pipeline.Tests.Docker;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Sandbox;

/// <summary>
/// The sandbox's staging engines share the kernel's network stack with the main engine. Restarting one (as
/// sandbox/up.sh does after a reboot) must leave the main engine's docker0 alone: a staging dockerd started with
/// --default-address-pool deleted it on every restart, and every container start on the main engine then failed
/// with "could not find bridge docker0".
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class StagingEngineRestartTests(DockerEngineFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_a_staging_engine_keeps_the_main_engines_default_bridge_working()
    {
        var pidFile = Path.Combine(Path.GetDirectoryName(SandboxFacts.FilePath)!, "staging", "staging-2", "dockerd.pid");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        using (var dockerd = Process.GetProcessById(pid))
        {
            Assert.Equal(0, (await RunAsync("kill", "-TERM", pid.ToString())).ExitCode);
            await dockerd.WaitForExitAsync(Cancellation).WaitAsync(TimeSpan.FromMinutes(1), Cancellation);
        }

        var (exitCode, output) = await RunAsync("bash", Path.Combine(BuildScript.RepositoryRoot, "sandbox", "up.sh"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("staging-2  engine started", output);
        // up.sh puts a missing docker0 back; that it had nothing to put back is the point.
        Assert.DoesNotContain("docker0 is missing", output);
        Assert.Equal(0, (await RunAsync("ip", "link", "show", "docker0")).ExitCode);
        var id = await fixture.Engine.Containers.CreateAsync(new ContainerCreateRequest(await fixture.ShellImageAsync())
        {
            Command = ["sh", "-c", "exit 0"],
            Labels = new Dictionary<string, string> { [DockerEngineFixture.LabelKey] = fixture.RunId },
        }, Cancellation);
        try
        {
            await fixture.Engine.Containers.StartAsync(id, Cancellation);
            Assert.Equal(new ContainerExit(0, null), await fixture.Engine.Containers.WaitAsync(id, TimeSpan.FromMinutes(1), Cancellation));
        }
        finally
        {
            await fixture.Engine.Containers.RemoveAsync(id, Cancellation);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var lines = new List<string>();
        var exitCode = await LocalProcess.RunAsync(file, arguments, line => { lock (lines) lines.Add(line); }, TimeSpan.FromMinutes(5), Cancellation);
        return (exitCode, string.Join('\n', lines));
    }
}
