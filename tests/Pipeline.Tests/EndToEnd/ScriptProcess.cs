using System.Diagnostics;
using System.Text;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Runs a script to its end as a user would, capturing stdout and stderr together, in the order printed.</summary>
public static class ScriptProcess
{
    /// <summary>A null value in <paramref name="environment"/> removes that variable.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        return RunAsync(start, timeout);
    }

    /// <summary>Runs <paramref name="start"/> with no input, handing each line to <paramref name="onLine"/> as it comes.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout, Action<string>? onLine = null)
    {
        start.RedirectStandardOutput = start.RedirectStandardError = start.RedirectStandardInput = true;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void Line(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            onLine?.Invoke(line);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}. Output:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
