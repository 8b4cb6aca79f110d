using System.Diagnostics;
using System.Text;

namespace Pipeline.Tests.Staging;

/// <summary>
/// Runs command lines through a real POSIX sh with `printf '%s\0'` put in front of each, so the shell parses the
/// line exactly as the remote login shell would and prints the argv it built instead of running it.
/// </summary>
public static class PosixArgv
{
    /// <summary>The HOME the shell expands ~/ to, so a home-relative word has a known expected value.</summary>
    public const string Home = "/home/hostile-test";

    private const char RecordEnd = '\x1e';

    public static IReadOnlyList<IReadOnlyList<string>> Words(IReadOnlyList<string> lines)
    {
        var script = new StringBuilder();
        foreach (var line in lines)
            script.Append("printf '%s\\0' ").Append(line).Append('\n').Append("printf '\\036'\n");
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, script.ToString(), new UTF8Encoding(false));
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            start.ArgumentList.Add(path);
            start.Environment["HOME"] = Home;
            using var shell = Process.Start(start)!;
            var output = shell.StandardOutput.ReadToEndAsync();
            var errors = shell.StandardError.ReadToEndAsync();
            if (!shell.WaitForExit(TimeSpan.FromSeconds(30))) shell.Kill(entireProcessTree: true);
            Assert.True(shell.ExitCode == 0, $"sh failed ({shell.ExitCode}): {errors.Result}");
            var records = output.Result.Split(RecordEnd);
            Assert.Equal(lines.Count + 1, records.Length);
            return records[..^1].Select(r => (IReadOnlyList<string>)r.Split('\0')[..^1]).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
