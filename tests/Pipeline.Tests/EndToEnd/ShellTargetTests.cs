using System.Diagnostics;
using System.Text;
using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// ./build.sh Shell as a developer uses it: from a terminal (script(1) gives it a pseudo-terminal), next to running
/// deps, typing a command that reaches a service by the variables the shell was given. The deps are started here
/// under a service alias of this test's own, so their container and network names meet no one else's, and the run
/// is off the sandbox (PIPELINE_SANDBOX=off), so it never brings the sandbox up.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class ShellTargetTests : IAsyncLifetime
{
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];
    private readonly string _sha = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000";
    private DepsPlan? _plan;
    private string? _shell;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string Alias => "shell" + _unique;

    private string Variable => "SHELL" + _unique.ToUpperInvariant();

    private string TestingImage => $"sample-app:{_sha}-testing";

    private string Services => $$"""{ "{{Alias}}": { "image": "{{SandboxProfile.RedisImage}}", "port": 6379, "ready": { "resp-ping": true } } }""";

    public async ValueTask InitializeAsync()
    {
        if (await _engine.Images.InspectAsync(SandboxProfile.RedisImage, Cancellation) is null)
            throw new InvalidOperationException($"{SandboxProfile.RedisImage} is not in the engine: run sandbox/up.sh (it builds and keeps it).");
    }

    public async ValueTask DisposeAsync()
    {
        // A shell left running by a failed test: killing the docker CLI does not stop its container.
        foreach (var c in await _engine.Containers.ListByLabelAsync($"{DepsPlan.RoleLabel}=shell", default))
            if (c.Image == TestingImage || c.Id == _shell) await _engine.Containers.RemoveAsync(c.Id, default);
        if (_plan is not null)
        {
            foreach (var c in await _engine.Containers.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_plan.RunId}", default))
                await _engine.Containers.RemoveAsync(c.Id, default);
            foreach (var n in await _engine.Networks.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_plan.RunId}", default))
                await _engine.Networks.RemoveAsync(n.Id, default);
        }
        await _engine.Images.RemoveAsync(TestingImage, force: false, default);
        _engine.Dispose();
    }

    [Fact]
    public async Task Shell_opens_the_testing_image_on_the_deps_network_where_a_typed_command_reaches_the_service()
    {
        // The deps as DepsUp leaves them: named with the default prefix (which is what Shell looks for), any host port.
        _plan = DepsPlan.For(ServicesSetting.Parse(Services), false, "shell-" + _unique, new DepsNaming(DepsNaming.Default.Prefix, AnyHostPort: true));
        await new DepsEnvironment(_engine, _plan, new DepsOptions(TimeSpan.FromSeconds(60), Keep: false))
            .StartAsync(new Dictionary<string, string>(), Cancellation);
        // The sandbox's Redis image as the testing image: it has sh and redis-cli.
        await _engine.Images.TagAsync(SandboxProfile.RedisImage, "sample-app", $"{_sha}-testing", Cancellation);

        var start = new ProcessStartInfo("script")
        {
            WorkingDirectory = BuildScript.RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-qec", $"'{Path.Combine(BuildScript.RepositoryRoot, "build.sh")}' Shell", "/dev/null" })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in BuildScript.SuiteEnvironment(new Dictionary<string, string?>
                 {
                     ["PIPELINE_SANDBOX"] = "off",
                     ["PIPELINE_SHA"] = _sha,
                     ["DEPS_SERVICES"] = Services,
                 }))
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;

        var printed = new StringBuilder();
        using var process = Process.Start(start)!;
        var reading = Task.WhenAll(
            CopyAsync(process.StandardOutput, printed), CopyAsync(process.StandardError, printed));
        try
        {
            var shell = await WaitForShellAsync(process, printed);
            _shell = shell.Id;
            Assert.True(shell.Tty);
            Assert.Contains(_plan.Network, shell.NetworkAddresses.Keys);
            Assert.Equal(DepsNaming.Default.Prefix, shell.Labels[DepsPlan.DepsLabel]);
            var variables = await _engine.Containers.ExecAsync(shell.Id, ["sh", "-c", $"echo ${Variable}_HOST:${Variable}_PORT"],
                TimeSpan.FromSeconds(20), Cancellation);
            Assert.Equal($"{Alias}:6379", variables.Stdout.Trim());

            // What a developer types; the service's data shows it ran, in that shell, on that network.
            await process.StandardInput.WriteAsync(
                $"redis-cli -h \"${Variable}_HOST\" -p \"${Variable}_PORT\" set typed {_unique}\nexit\n");
            await process.StandardInput.FlushAsync(Cancellation);
            await process.WaitForExitAsync(Cancellation).WaitAsync(TimeSpan.FromMinutes(1), Cancellation);
            await reading;

            Assert.True(process.ExitCode == 0, $"./build.sh Shell exited {process.ExitCode}:\n{printed}");
            var typed = await _engine.Containers.ExecAsync(_plan.Service(Alias).ContainerName, ["redis-cli", "get", "typed"],
                TimeSpan.FromSeconds(20), Cancellation);
            Assert.Equal(_unique, typed.Stdout.Trim());
            // The shell's container goes with the shell (docker run --rm).
            Assert.Null(await _engine.Containers.InspectAsync(shell.Id, Cancellation));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The shell's container, once it runs: labelled with the shell role, from this test's testing image.</summary>
    private async Task<ContainerDetails> WaitForShellAsync(Process process, StringBuilder printed)
    {
        // build.sh may first rebuild the library; bounded so a shell that never starts fails instead of hanging.
        for (var waited = 0; waited < 600; waited++)
        {
            foreach (var summary in await _engine.Containers.ListByLabelAsync($"{DepsPlan.RoleLabel}=shell", Cancellation))
            {
                if (summary.Image == TestingImage &&
                    await _engine.Containers.InspectAsync(summary.Id, Cancellation) is { State.Running: true } running)
                    return running;
            }
            if (process.HasExited) break;
            await Task.Delay(500, Cancellation);
        }
        lock (printed) throw new Xunit.Sdk.XunitException($"no shell container started; ./build.sh Shell printed:\n{printed}");
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, read);
    }
}
