using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// Runs one job of the generated CircleCI config the way a machine executor does: `run` steps in
/// `/bin/bash -eo pipefail` as the runner account with $BASH_ENV sourced by bash at each step, the job's context
/// as environment, `when:` on steps (store_test_results runs whatever came before), and the special steps by what
/// they do: checkout clones, caches and workspaces copy. A step it does not know fails the rehearsal.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CircleCiJobRunner(RehearsalSite site, YamlMappingNode config, RunnerFacts facts)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(15);
    private static int _buildNumber = 100;

    /// <param name="context">The context the workflow entry names (its variables are the job's environment), or null.</param>
    public async Task<JobLog> RunAsync(string jobName, string? context)
    {
        var log = new JobLog(jobName);
        var job = (YamlMappingNode)((YamlMappingNode)config["jobs"])[jobName];
        var machine = await site.NewMachineAsync(jobName);
        var bashEnv = Path.Combine(machine.Temp, ".bash_env");
        await File.WriteAllTextAsync(bashEnv, "");
        await RunnerAccount.OwnAsync(machine.Temp);

        var environment = facts.BaseEnvironment(machine);
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = site.Sha;
        environment["CIRCLE_BRANCH"] = facts.Branch;
        environment["CIRCLE_JOB"] = jobName;
        environment["CIRCLE_BUILD_NUM"] = Interlocked.Increment(ref _buildNumber).ToString();
        environment["CIRCLE_WORKING_DIRECTORY"] = machine.Workspace;
        environment["BASH_ENV"] = bashEnv;
        if (context is not null)
        {
            foreach (var (name, value) in facts.Variables) environment[name] = value;
            foreach (var (name, value) in facts.Secrets) environment[name] = value;
        }

        var failed = false;
        var number = 0;
        foreach (var node in ((YamlSequenceNode)job["steps"]).Children)
        {
            number++;
            var (kind, body) = node is YamlScalarNode bare ? (bare.Value!, (YamlMappingNode?)null) : Single((YamlMappingNode)node);
            var when = body is null ? null : GitHubJobRunner.Text(body, "when");
            var runs = kind is "store_test_results" or "store_artifacts" || (when ?? "on_success") switch
            {
                "always" => true,
                "on_fail" => failed,
                _ => !failed,
            };
            var label = body is not null && GitHubJobRunner.Text(body, "name") is { } name ? name : kind;
            if (!runs)
            {
                log.Step(label, "skipped");
                continue;
            }
            try
            {
                var ok = await StepAsync(kind, body, number, machine, environment, log, label);
                failed |= !ok;
            }
            catch (RehearsalStepFailed e)
            {
                log.Step(label, "failure", e.Message);
                failed = true;
            }
        }
        log.Succeeded = !failed;
        TestContext.Current.TestOutputHelper?.WriteLine(log.Text);
        return log;
    }

    private async Task<bool> StepAsync(
        string kind, YamlMappingNode? body, int number, JobMachine machine, Dictionary<string, string> environment, JobLog log, string label)
    {
        string Home(string path) => path.StartsWith("~/") ? Path.Combine(machine.Home, path[2..]) : path;
        string Field(string key) => (body is null ? null : GitHubJobRunner.Text(body, key)) ?? throw new RehearsalStepFailed($"{kind} has no {key}");
        IEnumerable<string> List(string key) => body is not null && GitHubJobRunner.Child(body, key) is YamlSequenceNode list
            ? list.Children.Select(c => ((YamlScalarNode)c).Value!)
            : [];

        switch (kind)
        {
            case "checkout":
                var (cloned, cloneOutput) = await RunnerAccount.RootAsync("setpriv",
                    [$"--reuid={RunnerAccount.Name}", $"--regid={RunnerAccount.Name}", "--init-groups", "git", "clone", "-q", site.Origin, machine.Workspace]);
                if (cloned != 0) throw new RehearsalStepFailed("git clone failed: " + cloneOutput);
                break;
            case "run":
                return await RunAsync(body!, number, machine, environment, log, label);
            case "restore_cache":
                // CircleCI takes the first key that matches a stored one (by prefix); the checksums are the files'.
                foreach (var key in List("keys").Append(body is null ? null : GitHubJobRunner.Text(body, "key")).OfType<string>().Select(k => Key(k, machine)))
                {
                    if (!site.Caches.ContainsKey(key) && RehearsalSite.SharedImageCaches.TryGetValue(key, out var shared))
                        site.Caches[key] = "~/docker\n" + shared;
                    var hit = site.Caches.Keys.FirstOrDefault(k => k.StartsWith(key, StringComparison.Ordinal));
                    if (hit is null) continue;
                    // Stored with the path as the config wrote it (~/docker): the same path on this job's machine.
                    var (path, stored) = (site.Caches[hit].Split('\n')[0], site.Caches[hit].Split('\n')[1]);
                    await RehearsalSite.CopyAsync(stored, Home(path));
                    log.Step(label, "success", $"cache hit {hit}");
                    return true;
                }
                log.Step(label, "success", "no cache found");
                return true;
            case "save_cache":
                var saveKey = Key(Field("key"), machine);
                if (site.Caches.ContainsKey(saveKey))
                {
                    log.Step(label, "success", $"skipping: {saveKey} is already stored (caches are immutable)");
                    return true;
                }
                var cachedPath = List("paths").Single();
                if (!Directory.Exists(Home(cachedPath))) throw new RehearsalStepFailed($"{Home(cachedPath)} does not exist");
                var store = site.NewStorePath("cache");
                await RehearsalSite.CopyAsync(Home(cachedPath), store);
                site.Caches[saveKey] = cachedPath + "\n" + store;
                if (saveKey.StartsWith(RehearsalSite.ImageCachePrefix, StringComparison.Ordinal)) RehearsalSite.SharedImageCaches.TryAdd(saveKey, store);
                break;
            case "store_test_results":
                var results = Path.Combine(machine.Workspace, Field("path"));
                var files = Directory.Exists(results) ? Directory.GetFiles(results, "*.xml", SearchOption.AllDirectories) : [];
                log.StoredTestResults.AddRange(files.Select(File.ReadAllText));
                log.Step(label, "success", $"{files.Length} file(s) from {results}");
                return true;
            case "persist_to_workspace":
                var root = Field("root");
                if (List("paths").Single() != ".") throw new RehearsalStepFailed("the rehearsal persists whole roots only");
                site.Workspace = site.NewStorePath("workspace");
                await RehearsalSite.CopyAsync(root, site.Workspace);
                break;
            case "attach_workspace":
                if (site.Workspace is null) throw new RehearsalStepFailed("no workspace was persisted upstream");
                await RehearsalSite.CopyAsync(site.Workspace, Field("at"));
                break;
            default:
                throw new InvalidOperationException($"the rehearsal does not know the step {kind}");
        }
        log.Step(label, "success");
        return true;
    }

    private static async Task<bool> RunAsync(
        YamlMappingNode body, int number, JobMachine machine, Dictionary<string, string> jobEnvironment, JobLog log, string label)
    {
        var environment = new Dictionary<string, string>(jobEnvironment);
        if (GitHubJobRunner.Child(body, "environment") is YamlMappingNode env)
            foreach (var (name, value) in env.Children) environment[((YamlScalarNode)name).Value!] = ((YamlScalarNode)value).Value ?? "";
        var command = GitHubJobRunner.Text(body, "command")!;
        var script = Path.Combine(machine.Temp, $"step-{number}.sh");
        await File.WriteAllTextAsync(script, command);
        await RunnerAccount.OwnAsync(machine.Temp);
        // bash sources $BASH_ENV itself when it starts non-interactive, as on CircleCI.
        var (exitCode, output) = await RunnerAccount.RunScriptAsync(script, ["/bin/bash", "-eo", "pipefail"], machine.Workspace, environment, StepTimeout);
        if (command.StartsWith("./build.sh", StringComparison.Ordinal)) log.BuildOutputs.Add(output);
        log.Step(label, exitCode == 0 ? "success" : $"failure (exit {exitCode})", output);
        return exitCode == 0;
    }

    // {{ checksum "file" }} is the file's sha256, as CircleCI computes it.
    private static string Key(string template, JobMachine machine) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{\{\s*checksum\s+""([^""]+)""\s*\}\}", m =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(machine.Workspace, m.Groups[1].Value)))));

    private static (string, YamlMappingNode) Single(YamlMappingNode step)
    {
        var (key, value) = step.Children.Single();
        return (((YamlScalarNode)key).Value!, value as YamlMappingNode ?? new YamlMappingNode());
    }
}
