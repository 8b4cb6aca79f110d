using System.Diagnostics;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// The unprivileged account the rehearsal's jobs run as, as on a hosted runner: not root, in the docker group (the
/// engine's socket is its only privilege). Every command runs with exactly the environment it is given.
/// </summary>
public static class RunnerAccount
{
    public const string Name = "ci-runner";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _made;

    public static async Task EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_made) return;
            if ((await RootAsync("id", ["-u", Name])).ExitCode != 0)
                await RootCheckedAsync("useradd", ["--no-create-home", "--shell", "/bin/bash", "--groups", "docker", Name]);
            var uid = (await RootCheckedAsync("id", ["-u", Name])).Trim();
            Assert.NotEqual("0", uid);
            _made = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Makes the runner own a directory tree the rehearsal prepared as root.</summary>
    public static Task OwnAsync(string path) => RootCheckedAsync("chown", ["-R", $"{Name}:{Name}", path]);

    /// <summary>Runs a shell script as the runner, in a directory, with exactly these variables.</summary>
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(
        string scriptFile, IReadOnlyList<string> shell, string directory, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in (string[])[$"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", .. shell, scriptFile])
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return await ScriptProcess.RunAsync(start, timeout, onLine);
    }

    public static async Task<string> RootCheckedAsync(string program, IReadOnlyList<string> arguments)
    {
        var (exitCode, output) = await RootAsync(program, arguments);
        if (exitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {exitCode}: {output}");
        return output;
    }

    public static Task<(int ExitCode, string Output)> RootAsync(string program, IReadOnlyList<string> arguments, string? directory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (directory is not null) start.WorkingDirectory = directory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return ScriptProcess.RunAsync(start, TimeSpan.FromMinutes(5));
    }
}
