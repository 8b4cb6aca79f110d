using System.Text.Json.Nodes;
using Pipeline.Tests.Docker;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Sandbox;

/// <summary>
/// The sandbox serves any app from a profile (sandbox/up.sh --app): each app on its own slot, with its own load
/// balancer block and lb.sh --app. These tests only read the running sandbox or are refused before it changes.
/// </summary>
public sealed class SandboxAppsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static string Sandbox => Path.Combine(BuildScript.RepositoryRoot, "sandbox");

    [Fact]
    public async Task Up_refuses_a_bad_profile_naming_every_bad_field_before_it_changes_anything()
    {
        var profile = Path.Combine(Path.GetTempPath(), $"sbx-bad-profile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(profile, """
            {"name": "Bad Name", "slot": 100, "appPort": 0, "healthPath": "healthcheck", "baseImage": "",
             "envFileName": "../x.env", "env": {"OK": "1", "BAD-KEY": "2"},
             "ecs": {"service": "s", "family": "f f", "container": "app"},
             "services": [{"name": "db", "image": "i", "port": 5432, "ready": [],
                           "schema": {"file": "relative.sql", "import": ["psql"]}}]}
            """, Cancellation);
        try
        {
            var (exitCode, output) = await RunAsync("bash", Path.Combine(Sandbox, "up.sh"), "--app", profile);

            Assert.Equal(1, exitCode);
            Assert.Contains("is not valid", output);
            foreach (var field in new[] { "name:", "slot:", "appPort:", "healthPath:", "baseImage:", "envFileName:", "env.BAD-KEY:",
                         "ecs.family:", "services[0].ready:", "services[0].schema.file:", "services[0].schema.import:" })
                Assert.Contains(field, output);
            Assert.DoesNotContain("ecs.service:", output);
            Assert.DoesNotContain("summary:", output);
        }
        finally
        {
            File.Delete(profile);
        }
    }

    [Fact]
    public async Task Every_app_in_sandbox_json_has_the_ports_and_commands_of_its_slot()
    {
        var apps = JsonNode.Parse(await File.ReadAllTextAsync(SandboxFacts.FilePath, Cancellation))!["apps"]
            ?? throw new InvalidOperationException("sandbox.json has no \"apps\" object: run sandbox/up.sh");
        foreach (var (name, app) in apps.AsObject())
        {
            var slot = app!["slot"]!.GetValue<int>();
            Assert.Equal($"http://127.0.0.1:{8080 + slot}", app["loadBalancer"]!.GetValue<string>());
            Assert.Equal([3000 + 100 * slot + 1, 3000 + 100 * slot + 2],
                app["hosts"]!.AsArray().Select(h => h!["appPort"]!.GetValue<int>()).ToArray());
            Assert.EndsWith($"--app {name} drain {{host}}", app["drainCommand"]!.GetValue<string>());
            Assert.EndsWith($"--app {name} enable {{host}}", app["enableCommand"]!.GetValue<string>());
            // null for an app whose runs named an ECS cluster of their own: the sandbox made no service for it.
            if (app["ecs"] is JsonObject ecs) Assert.Equal("sandbox", ecs["cluster"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Lb_sh_refuses_an_app_the_sandbox_does_not_know_as_bad_usage()
    {
        var (exitCode, output) = await RunAsync("bash", Path.Combine(Sandbox, "staging", "lb.sh"), "--app", "no-such-app", "drain", "staging-1");

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown app 'no-such-app'", output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var lines = new List<string>();
        var exitCode = await LocalProcess.RunAsync(file, arguments, line => { lock (lines) lines.Add(line); }, TimeSpan.FromMinutes(2), Cancellation);
        return (exitCode, string.Join('\n', lines));
    }
}
