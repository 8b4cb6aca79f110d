using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Ci;

/// <summary>One problem actionlint reports in a workflow file.</summary>
public sealed record ActionlintProblem(string File, int Line, int Column, string Kind, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message} [{Kind}]";
}

/// <summary>
/// actionlint (rhysd/actionlint v1.7.7, as WebAssembly from the npm package pinned in tests/validators), the
/// independent judge of the generated GitHub workflow. It runs through tests/validators/actionlint.cjs with node. A
/// machine without it installed fails the test that needs it, saying how to install it: a skipped judge would let a
/// broken workflow pass unseen.
/// </summary>
public static class Actionlint
{
    private const string Script = "tests/validators/actionlint.cjs";
    private const string Install = "npm ci --prefix tests/validators";

    /// <summary>Every problem actionlint finds in the files (paths absolute or relative to the repository root).</summary>
    public static async Task<IReadOnlyList<ActionlintProblem>> LintAsync(params string[] files)
    {
        var root = BuildScript.RepositoryRoot;
        if (!Directory.Exists(Path.Combine(root, "tests", "validators", "node_modules", "@tktco", "node-actionlint")))
            Assert.Fail($"actionlint is not installed: run `{Install}` in the repository root.");

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Script);
        foreach (var file in files) start.ArgumentList.Add(file);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"node is needed to run actionlint ({e.Message}): install Node.js 20 or later, then run `{Install}`.");
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
            Assert.Fail($"actionlint did not run (node {Script} exited {process.ExitCode}):\n{await errors}\nIf a module is missing, run `{Install}`.");

        var problems = JsonSerializer.Deserialize<List<ActionlintProblem>>(await output, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return problems ?? throw new InvalidDataException($"actionlint printed no JSON array: {await output}");
    }
}
