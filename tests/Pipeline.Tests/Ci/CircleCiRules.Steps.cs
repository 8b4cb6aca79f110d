using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

public static partial class CircleCiRules
{
    /// <summary>A built-in step: the reference section that defines it, the keys it allows and those it needs.</summary>
    private sealed record StepKind(string Section, string[] Allowed, string[] Required);

    // configuration-reference#steps and one section per step. `name` on the workspace, artifact and test-result steps,
    // checkout's method and depth, and run's max_auto_reruns and auto_rerun_delay come from the schema.
    private static readonly Dictionary<string, StepKind> BuiltInSteps = new()
    {
        ["run"] = new("run",
            ["command", "name", "shell", "environment", "background", "working_directory", "no_output_timeout", "when", "max_auto_reruns", "auto_rerun_delay"],
            ["command"]),
        ["checkout"] = new("checkout", ["path", "method", "depth"], []),
        ["setup_remote_docker"] = new("setupremotedocker", ["docker_layer_caching", "version"], []),
        ["save_cache"] = new("savecache", ["paths", "key", "name", "when"], ["paths", "key"]),
        ["restore_cache"] = new("restorecache", ["key", "keys", "name"], []),
        ["store_artifacts"] = new("storeartifacts", ["path", "destination", "name"], ["path"]),
        ["store_test_results"] = new("storetestresults", ["path", "name"], ["path"]),
        ["persist_to_workspace"] = new("persisttoworkspace", ["root", "paths", "name"], ["root", "paths"]),
        ["attach_workspace"] = new("attachworkspace", ["at", "name"], ["at"]),
        ["add_ssh_keys"] = new("add-ssh-keys", ["fingerprints"], []),
        ["when"] = new("the-when-step", ["condition", "steps"], ["condition", "steps"]),
        ["unless"] = new("the-when-step", ["condition", "steps"], ["condition", "steps"]),
    };

    // configuration-reference#steps: the steps that may be written as a bare string ("- checkout").
    private static readonly HashSet<string> BareSteps = ["checkout", "setup_remote_docker", "add_ssh_keys"];

    // configuration-reference#the-when-attribute.
    private static readonly HashSet<string> WhenValues = ["always", "on_success", "on_fail"];

    private sealed partial class Checker
    {
        private void Steps(YamlNode node, string path, bool onMachine)
        {
            if (node is not YamlSequenceNode list || list.Children.Count == 0)
            {
                if (!IsReference(node)) Error(path, "steps", "steps must be a non-empty list of steps");
                return;
            }
            for (var i = 0; i < list.Children.Count; i++)
                Step(list.Children[i], $"{path}[{i}]", onMachine);
        }

        private void Step(YamlNode node, string path, bool onMachine)
        {
            switch (node)
            {
                case YamlScalarNode { Value: var bare }:
                    if (bare == "setup_remote_docker" && onMachine)
                        Error(path, "setupremotedocker", "setup_remote_docker is not compatible with the machine executor");
                    if (bare is null || BareSteps.Contains(bare) || commands.ContainsKey(bare) || IsOrbReference(bare) || bare.Contains("<<")) return;
                    if (BuiltInSteps.TryGetValue(bare, out var needsKeys))
                        Error(path, needsKeys.Section, $"`{bare}` cannot be a bare string: it needs {string.Join(", ", needsKeys.Required.DefaultIfEmpty("its keys"))}");
                    else
                        Error(path, "steps", $"`{bare}` is not a built-in step, a command under commands, or an orb's command");
                    return;
                case YamlMappingNode { Children.Count: 1 } map:
                    var (key, value) = map.Children.Single();
                    StepBody(Name(key), value, $"{path}.{Name(key)}", onMachine);
                    return;
                case YamlMappingNode map:
                    // The slip the 2020 stricter validation caught: `- run:` with `command:` at the same indent.
                    Error(path, "steps", $"a step is a map with one key, the step type; found {Listed(Pairs(map).Select(p => p.Key))} (indent the step's keys under its type)");
                    return;
                default:
                    Error(path, "steps", "a step must be a step name or a map from the step type to its keys");
                    return;
            }
        }

        private void StepBody(string type, YamlNode value, string path, bool onMachine)
        {
            if (type == "deploy")
            {
                Error(path, "deploy-deprecated", "the deploy step is deprecated: use run");
                return;
            }
            if (commands.TryGetValue(type, out var command))
            {
                // A command's arguments are the parameters it declares, like a job's in a workflow entry.
                var declared = Pairs(Child(command, "parameters")).Select(p => p.Key).ToHashSet();
                foreach (var (key, _) in Pairs(value).Where(p => !declared.Contains(p.Key)))
                    Error($"{path}.{key}", "commands", $"`{key}` is not a parameter command `{type}` declares");
                return;
            }
            if (IsOrbReference(type)) return; // An orb's command: its parameters are the orb's business.
            if (!BuiltInSteps.TryGetValue(type, out var kind))
            {
                Error(path, "steps", $"`{type}` is not a built-in step, a command under commands, or an orb's command");
                return;
            }
            if (type == "setup_remote_docker" && onMachine)
                Error(path, "setupremotedocker", "setup_remote_docker is not compatible with the machine executor");
            if (value is YamlScalarNode scalar)
            {
                // `- run: make test` is run's shorthand; `- checkout:` with nothing after it is checkout's.
                if (type == "run" ? string.IsNullOrEmpty(scalar.Value) : !string.IsNullOrEmpty(scalar.Value) || kind.Required.Length > 0)
                    Error(path, kind.Section, type == "run" ? "run needs a command" : $"{type} needs a map of its keys");
                return;
            }
            if (!IsMapAt(value, path, kind.Section, $"a map of {type}'s keys")) return;
            var map = (YamlMappingNode)value;
            AllowOnly(map, path, kind.Section, kind.Allowed);
            foreach (var required in kind.Required) RequireKey(map, path, kind.Section, required);

            switch (type)
            {
                case "run":
                    Run(map, path);
                    break;
                case "save_cache":
                    When(map, path);
                    if (Child(map, "paths") is { } paths && paths is not YamlSequenceNode)
                        Error($"{path}.paths", "savecache", "paths must be a list");
                    break;
                case "restore_cache":
                    // #restorecache: "at least one attribute has to be present" of key and keys.
                    if (Child(map, "key") is null && Child(map, "keys") is null)
                        Error(path, "restorecache", "restore_cache needs key or keys");
                    if (Child(map, "keys") is { } keys && keys is not YamlSequenceNode)
                        Error($"{path}.keys", "restorecache", "keys must be a list");
                    break;
                case "persist_to_workspace":
                    if (Child(map, "paths") is { } workspacePaths && workspacePaths is not YamlSequenceNode)
                        Error($"{path}.paths", "persisttoworkspace", "paths must be a list");
                    break;
                case "add_ssh_keys":
                    if (Child(map, "fingerprints") is { } fingerprints && fingerprints is not YamlSequenceNode)
                        Error($"{path}.fingerprints", "add-ssh-keys", "fingerprints must be a list");
                    break;
                case "when" or "unless":
                    if (Child(map, "steps") is { } steps) Steps(steps, $"{path}.steps", onMachine);
                    break;
            }
        }

        private void Run(YamlMappingNode run, string path)
        {
            When(run, path);
            if (Child(run, "command") is { } command && (command is not YamlScalarNode || string.IsNullOrEmpty(Text(command))))
                Error($"{path}.command", "run", "command must be a non-empty string");
            if (Child(run, "background") is { } background && !IsBool(background))
                Error($"{path}.background", "run", "background must be a boolean");
            // #run: "a decimal with unit suffix, such as "20m", "1.25h", "5s"".
            if (Child(run, "no_output_timeout") is { } timeout && !IsReference(timeout) && !Regex.IsMatch(Text(timeout) ?? "", @"^\d+(\.\d+)?[hms]$"))
                Error($"{path}.no_output_timeout", "run", "no_output_timeout must be a decimal with a unit suffix, such as 20m, 1.25h, 5s");
            if (Child(run, "environment") is { } environment) Environment(environment, $"{path}.environment", "run");
            if (Child(run, "max_auto_reruns") is { } reruns && !(int.TryParse(Text(reruns), out var n) && n is >= 1 and <= 5))
                Error($"{path}.max_auto_reruns", "run", "max_auto_reruns must be an integer from 1 to 5");
            if (Child(run, "auto_rerun_delay") is not null && Child(run, "max_auto_reruns") is null)
                Error($"{path}.auto_rerun_delay", "run", "auto_rerun_delay needs max_auto_reruns");
        }

        private void When(YamlMappingNode step, string path)
        {
            if (Child(step, "when") is { } when && !IsReference(when) && !WhenValues.Contains(Text(when) ?? ""))
                Error($"{path}.when", "the-when-attribute", $"when must be one of {string.Join(", ", WhenValues)}");
        }
    }
}
