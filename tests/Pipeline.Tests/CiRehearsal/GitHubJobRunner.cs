using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// Runs one job of the generated GitHub workflow the way a hosted runner does: its `if:`, each step's `if:`,
/// `run:` steps in bash (-eo pipefail) as the runner account, `${{ }}` expressions, `continue-on-error`, and the
/// actions the workflow uses, each done by what it does on a runner (checkout clones, cache and artifacts copy,
/// configure-aws-credentials exports keys). An action it does not know fails the rehearsal.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GitHubJobRunner(RehearsalSite site, YamlMappingNode workflow, RunnerFacts facts)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(15);

    public async Task<JobLog> RunAsync(string jobName)
    {
        var log = new JobLog(jobName);
        var job = (YamlMappingNode)((YamlMappingNode)workflow["jobs"])[jobName];
        var outcomes = new Dictionary<string, (string Outcome, string Conclusion)>();
        var failed = false;
        var exported = new Dictionary<string, string>();
        JobMachine? machine = null;

        object? Context(string path)
        {
            var parts = path.Split('.');
            return parts[0] switch
            {
                "github" => parts[1] switch
                {
                    "event_name" => "push",
                    "ref" => "refs/heads/" + facts.Branch,
                    "ref_name" => facts.Branch,
                    "sha" => site.Sha,
                    _ => throw new InvalidOperationException($"the rehearsal does not know {path}"),
                },
                "steps" => parts[2] switch
                {
                    "outcome" => outcomes.TryGetValue(parts[1], out var o) ? o.Outcome : "",
                    "conclusion" => outcomes.TryGetValue(parts[1], out var c) ? c.Conclusion : "",
                    _ => throw new InvalidOperationException($"the rehearsal does not know {path}"),
                },
                "vars" => facts.Variables.GetValueOrDefault(parts[1], ""),
                "secrets" => facts.Secrets.GetValueOrDefault(parts[1], ""),
                "runner" when parts[1] == "temp" => machine?.Temp,
                _ => throw new InvalidOperationException($"the rehearsal does not know the context {path}"),
            };
        }

        object? Function(string call)
        {
            var name = call[..call.IndexOf('(')];
            var arguments = call[(name.Length + 1)..^1].Split('\u001f', StringSplitOptions.RemoveEmptyEntries);
            return name switch
            {
                "success" => !failed,
                "failure" => failed,
                "always" => true,
                "cancelled" => false,
                "hashFiles" => HashFiles(machine!.Workspace, arguments),
                _ => throw new InvalidOperationException($"the rehearsal does not know the function {name}()"),
            };
        }

        var expressions = new WorkflowExpression(Context, Function);
        if (Text(job, "if") is { } jobIf && !expressions.IsTrue(jobIf))
        {
            log.Step("(job)", "skipped: its if is false");
            log.Skipped = true;
            log.Succeeded = false;
            return log;
        }

        machine = await site.NewMachineAsync(jobName);
        var baseEnvironment = facts.BaseEnvironment(machine);
        baseEnvironment["GITHUB_ACTIONS"] = "true";
        baseEnvironment["GITHUB_SHA"] = site.Sha;
        baseEnvironment["GITHUB_REF"] = "refs/heads/" + facts.Branch;
        baseEnvironment["GITHUB_REF_NAME"] = facts.Branch;
        baseEnvironment["GITHUB_EVENT_NAME"] = "push";
        baseEnvironment["GITHUB_WORKSPACE"] = machine.Workspace;
        baseEnvironment["RUNNER_TEMP"] = machine.Temp;
        baseEnvironment["RUNNER_OS"] = "Linux";
        var postSaves = new List<(string Key, string Path)>();

        var number = 0;
        foreach (var step in ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>())
        {
            number++;
            var label = Text(step, "name") ?? Text(step, "uses") ?? FirstLine(Text(step, "run"));
            if (!expressions.IsTrue(Text(step, "if") ?? "success()"))
            {
                log.Step(label, "skipped");
                continue;
            }
            string outcome;
            try
            {
                outcome = Text(step, "uses") is { } uses
                    ? await UseAsync(uses, Inputs(step, expressions), machine, exported, postSaves, log, label)
                    : await RunStepAsync(step, number, expressions, machine, baseEnvironment, job, exported, log, label);
            }
            catch (RehearsalStepFailed e)
            {
                log.Step(label, "failure", e.Message);
                outcome = "failure";
            }
            var conclusion = outcome == "failure" && Text(step, "continue-on-error") == "true" ? "success" : outcome;
            if (Text(step, "id") is { } id) outcomes[id] = (outcome, conclusion);
            if (conclusion == "failure") failed = true;
        }
        if (!failed)
            foreach (var (key, path) in postSaves.Where(s => !site.Caches.ContainsKey(s.Key)))
            {
                if (!Directory.Exists(path)) continue;
                var store = site.NewStorePath("cache");
                await RehearsalSite.CopyAsync(path, store);
                site.Caches[key] = store;
                if (key.StartsWith(RehearsalSite.ImageCachePrefix, StringComparison.Ordinal)) RehearsalSite.SharedImageCaches.TryAdd(key, store);
                log.Step($"post: save cache {key}", "success");
            }
        log.Succeeded = !failed;
        TestContext.Current.TestOutputHelper?.WriteLine(log.Text);
        return log;
    }

    private async Task<string> RunStepAsync(
        YamlMappingNode step, int number, WorkflowExpression expressions, JobMachine machine, Dictionary<string, string> baseEnvironment,
        YamlMappingNode job, Dictionary<string, string> exported, JobLog log, string label)
    {
        var environment = new Dictionary<string, string>(baseEnvironment);
        foreach (var (name, value) in exported) environment[name] = value;
        foreach (var source in new[] { job, step })
            if (Child(source, "env") is YamlMappingNode env)
                foreach (var (name, value) in env.Children)
                    environment[((YamlScalarNode)name).Value!] = expressions.Interpolate(((YamlScalarNode)value).Value ?? "");
        var summary = Path.Combine(machine.Temp, $"step-{number}-summary.md");
        var githubEnv = Path.Combine(machine.Temp, $"step-{number}-env");
        foreach (var file in new[] { summary, githubEnv }) await File.WriteAllTextAsync(file, "");
        environment["GITHUB_STEP_SUMMARY"] = summary;
        environment["GITHUB_ENV"] = githubEnv;
        var script = Path.Combine(machine.Temp, $"step-{number}.sh");
        await File.WriteAllTextAsync(script, expressions.Interpolate(Text(step, "run")!));
        await RunnerAccount.OwnAsync(machine.Temp);

        var (exitCode, output) = await RunnerAccount.RunScriptAsync(
            script, ["bash", "--noprofile", "--norc", "-eo", "pipefail"], machine.Workspace, environment, StepTimeout);
        if (Text(step, "run")!.StartsWith("./build.sh", StringComparison.Ordinal)) log.BuildOutputs.Add(output);
        foreach (var line in await File.ReadAllLinesAsync(githubEnv))
            if (line.IndexOf('=') is > 0 and var at) exported[line[..at]] = line[(at + 1)..];
        var written = await File.ReadAllTextAsync(summary);
        if (written.Length > 0) log.StepSummaries.Add(written);
        var outcome = exitCode == 0 ? "success" : "failure";
        log.Step(label, outcome + (exitCode == 0 ? "" : $" (exit {exitCode})"), output);
        return outcome;
    }

    private async Task<string> UseAsync(
        string uses, Dictionary<string, string> with, JobMachine machine, Dictionary<string, string> exported,
        List<(string Key, string Path)> postSaves, JobLog log, string label)
    {
        var action = uses[..uses.IndexOf('@')];
        string Home(string path) => path.StartsWith("~/") ? Path.Combine(machine.Home, path[2..]) : path;
        switch (action)
        {
            case "actions/checkout":
                var (cloned, cloneOutput) = await RunnerAccount.RootAsync("setpriv",
                    [$"--reuid={RunnerAccount.Name}", $"--regid={RunnerAccount.Name}", "--init-groups", "git", "clone", "-q", site.Origin, machine.Workspace]);
                if (cloned != 0) throw new RehearsalStepFailed("git clone failed: " + cloneOutput);
                break;
            case "actions/setup-dotnet":
                // The runner's dotnet must satisfy global.json here (nothing can be downloaded); the action would install it.
                var pin = Path.Combine(machine.Workspace, with.GetValueOrDefault("global-json-file", ""));
                if (!File.Exists(pin)) throw new RehearsalStepFailed($"global-json-file {pin} does not exist");
                var check = Path.Combine(machine.Temp, "dotnet-version.sh");
                await File.WriteAllTextAsync(check, "dotnet --version\n");
                await RunnerAccount.OwnAsync(machine.Temp);
                var (sdk, sdkOutput) = await RunnerAccount.RunScriptAsync(check, ["bash"], machine.Workspace,
                    new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = machine.Home, ["DOTNET_NOLOGO"] = "1" }, TimeSpan.FromMinutes(2));
                if (sdk != 0) throw new RehearsalStepFailed("no installed SDK satisfies global.json: " + sdkOutput);
                log.Step(label, "success", "SDK " + sdkOutput.Trim());
                return "success";
            case "actions/cache":
                var path = Home(with["path"]);
                if (site.Caches.TryGetValue(with["key"], out var stored) || RehearsalSite.SharedImageCaches.TryGetValue(with["key"], out stored))
                {
                    await RehearsalSite.CopyAsync(stored, path);
                    log.Step(label, "success", $"cache hit {with["key"]}");
                    return "success";
                }
                postSaves.Add((with["key"], path));
                log.Step(label, "success", $"cache miss {with["key"]}");
                return "success";
            case "actions/upload-artifact":
                var name = with["name"];
                if (!Directory.Exists(with["path"]) || Directory.GetFileSystemEntries(with["path"]).Length == 0)
                {
                    if (with.GetValueOrDefault("if-no-files-found", "warn") == "error") throw new RehearsalStepFailed($"no files at {with["path"]}");
                    log.Step(label, "success", $"warning: no files at {with["path"]}");
                    return "success";
                }
                if (site.Artifacts.ContainsKey(name) && with.GetValueOrDefault("overwrite") != "true")
                    throw new RehearsalStepFailed($"an artifact named {name} already exists in this run (set overwrite)");
                var artifact = site.NewStorePath("artifact");
                await RehearsalSite.CopyAsync(with["path"], artifact);
                site.Artifacts[name] = artifact;
                break;
            case "actions/download-artifact":
                if (!site.Artifacts.TryGetValue(with["name"], out var saved)) throw new RehearsalStepFailed($"Artifact not found for name: {with["name"]}");
                await RehearsalSite.CopyAsync(saved, with["path"]);
                break;
            case "aws-actions/configure-aws-credentials":
                if (string.IsNullOrEmpty(with.GetValueOrDefault("role-to-assume")) || string.IsNullOrEmpty(with.GetValueOrDefault("aws-region")))
                    throw new RehearsalStepFailed("role-to-assume and aws-region must both be set");
                foreach (var (key, value) in facts.AwsCredentials) exported[key] = value;
                exported["AWS_REGION"] = exported["AWS_DEFAULT_REGION"] = with["aws-region"];
                break;
            default:
                throw new InvalidOperationException($"the rehearsal does not know how to run {uses}");
        }
        log.Step(label, "success");
        return "success";
    }

    private static Dictionary<string, string> Inputs(YamlMappingNode step, WorkflowExpression expressions) =>
        Child(step, "with") is YamlMappingNode with
            ? with.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => expressions.Interpolate(((YamlScalarNode)c.Value).Value ?? ""))
            : [];

    // GitHub's hashFiles: one sha256 over the files' own sha256s, in order; empty when none match.
    private static string HashFiles(string workspace, IEnumerable<string> patterns)
    {
        var hashes = patterns.Select(p => Path.Combine(workspace, p)).Where(File.Exists).Select(f => SHA256.HashData(File.ReadAllBytes(f))).ToList();
        return hashes.Count == 0 ? "" : Convert.ToHexStringLower(SHA256.HashData(hashes.SelectMany(h => h).ToArray()));
    }

    internal static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static string? Text(YamlNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0];
}

/// <summary>A step that failed the way it would on the CI service (an artifact missing, a clone failing).</summary>
public sealed class RehearsalStepFailed(string message) : Exception(message);
