using System.Diagnostics;
using System.Text;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A ./build.sh run followed as it goes: the test waits for a line, sends real signals to the pipeline's process
/// (build.sh execs Cake, so its pid is the pipeline's), and collects the exit code and everything printed.
/// </summary>
public sealed class RunningBuild : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private RunningBuild(Process process) => _process = process;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static RunningBuild Start(IEnumerable<string> arguments, ProcessStartInfo start)
    {
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.RedirectStandardOutput = start.RedirectStandardError = start.RedirectStandardInput = true;
        var run = new RunningBuild(new Process { StartInfo = start });
        run._process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
        run._process.ErrorDataReceived += (_, e) => run.OnLine(e.Data);
        run._process.Start();
        run._process.StandardInput.Close();
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return run;
    }

    /// <summary>The first line (already printed or still to come) that matches; fails with the output so far on timeout.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Split('\n').FirstOrDefault(l => match(l.TrimEnd('\r'))) is { } already) return already;
            _waiters.Add((match, seen));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first == seen.Task) return await seen.Task;
        throw new TimeoutException($"the awaited line did not come ({(first == exited ? "the run ended" : $"after {timeout}")}). Output:\n{Output}");
    }

    /// <summary>Whether the run has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Sends a real signal (INT, TERM, HUP) to the pipeline's process, with kill(1).</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, _process.Id.ToString()]) { RedirectStandardError = true })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !_process.HasExited) throw new InvalidOperationException($"kill -s {signal} {_process.Id} failed: {kill.StandardError.ReadToEnd()}");
    }

    public async Task<(int ExitCode, string Output)> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the run did not end within {timeout}. Output:\n{Output}");
        }
        _process.WaitForExit();
        return (_process.ExitCode, Output);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}
