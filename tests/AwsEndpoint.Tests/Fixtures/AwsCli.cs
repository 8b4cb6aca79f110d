using System.Diagnostics;

namespace AwsEndpoint.Tests.Fixtures;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Debian's aws CLI (v2) as the independent client. Credentials go in through environment variables
/// (or files named in <c>extraEnv</c>), and every other file and variable that could point it elsewhere (profiles, a real endpoint) is neutralised.</summary>
public static class AwsCli
{
    public static async Task<CliResult> RunAsync(Uri endpoint, RequestSigner.Key? key, IReadOnlyList<string> args, CancellationToken ct,
        IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        if (!File.Exists(SandboxPaths.AwsCli))
            throw new InvalidOperationException($"{SandboxPaths.AwsCli} is missing: install Debian's awscli (sandbox/up.sh does)");
        var start = new ProcessStartInfo(SandboxPaths.AwsCli)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        if (key is not null)
        {
            start.Environment["AWS_ACCESS_KEY_ID"] = key.AccessKeyId;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = key.Secret;
            if (key.SessionToken is not null) start.Environment["AWS_SESSION_TOKEN"] = key.SessionToken;
        }
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_PAGER"] = "";
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) start.Environment[k] = v;
        foreach (var a in new[] { "--endpoint-url", endpoint.ToString().TrimEnd('/'), "--region", "us-east-1", "--output", "json" }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"aws {string.Join(' ', args)} did not finish in 60 s"); }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
