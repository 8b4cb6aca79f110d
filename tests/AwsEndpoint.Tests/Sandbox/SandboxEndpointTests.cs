using System.Text.Json;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Sandbox;

/// <summary>The endpoint sandbox/up.sh started, used the way a person would: the aws CLI with the profile files
/// named in sandbox.json.</summary>
public sealed class SandboxEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement AwsSection()
    {
        if (!File.Exists(SandboxPaths.SandboxJson))
            throw new InvalidOperationException($"{SandboxPaths.SandboxJson} is missing: run sandbox/up.sh");
        using var doc = JsonDocument.Parse(File.ReadAllText(SandboxPaths.SandboxJson));
        Assert.True(doc.RootElement.TryGetProperty("aws", out var aws), "sandbox.json has no \"aws\" object: run sandbox/up.sh");
        return aws.Clone();
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // the sandbox is Linux-only; the mode check needs it
    public void Sandbox_json_describes_the_endpoint_and_its_profile()
    {
        var aws = AwsSection();
        Assert.Equal("http://127.0.0.1:4566", aws.GetProperty("endpoint").GetString());
        Assert.Equal("us-east-1", aws.GetProperty("region").GetString());
        Assert.Equal("sandbox", aws.GetProperty("profile").GetString());
        Assert.Equal("000000000000", aws.GetProperty("accountId").GetString());
        var credentials = aws.GetProperty("credentialsFile").GetString()!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        var text = File.ReadAllText(credentials);
        Assert.Matches(@"(?m)^\[sandbox\]\naws_access_key_id = AKIA[A-Z0-9]{16}\naws_secret_access_key = [A-Za-z0-9/+]{40}$", text);
        Assert.Contains("region = us-east-1", File.ReadAllText(aws.GetProperty("configFile").GetString()!));
        // sandbox.json is readable by anyone who can read the state dir: it must name the key file, never hold the key.
        Assert.DoesNotContain(text.Split('=').Last().Trim(), File.ReadAllText(SandboxPaths.SandboxJson));
    }

    [Fact]
    public async Task The_running_sandbox_endpoint_serves_aws_with_the_sandbox_profile()
    {
        var aws = AwsSection();
        var r = await AwsCli.RunAsync(new Uri(aws.GetProperty("endpoint").GetString()!), null,
            ["--profile", "sandbox", "ecr", "describe-images", "--repository-name", "sandbox/node"], Ct,
            new Dictionary<string, string>
            {
                ["AWS_SHARED_CREDENTIALS_FILE"] = aws.GetProperty("credentialsFile").GetString()!,
                ["AWS_CONFIG_FILE"] = aws.GetProperty("configFile").GetString()!,
            });
        Assert.True(r.ExitCode == 0, $"aws --profile sandbox against the sandbox endpoint exited {r.ExitCode}: {r.Stderr} (is it up? sandbox/up.sh)");
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Contains(doc.RootElement.GetProperty("imageDetails").EnumerateArray(), d => d.GetProperty("imageTags").EnumerateArray().Any(t => Ecs.EcsEndpoint.NodeImage.EndsWith(":" + t.GetString(), StringComparison.Ordinal)));
    }
}
