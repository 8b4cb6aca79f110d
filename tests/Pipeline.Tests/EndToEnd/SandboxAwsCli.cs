using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Debian's aws CLI with the sandbox's profile: a client that shares no code with the pipeline, used as a witness.</summary>
public static class SandboxAwsCli
{
    public static readonly string SandboxDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipeline-sandbox");

    public static async Task<JsonNode> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/aws") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--endpoint-url", "http://127.0.0.1:4566", "--region", "us-east-1", "--profile", "sandbox", "--output", "json" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(SandboxDir, "aws", "credentials");
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(SandboxDir, "aws", "config");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', arguments)} failed: {stderr}");
        return JsonNode.Parse(await stdout)!;
    }
}
