using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

/// <summary>
/// One broken rule in a CircleCI config: where (a YAML path such as <c>jobs.deploy.serial-group</c>), which rule (the
/// section of CircleCI's configuration reference that states it, as its page anchor) and what is wrong.
/// </summary>
public sealed record CircleCiError(string Path, string Rule, string Message)
{
    public override string ToString() => $"{Path}: {Message} [{Rule}]";
}

/// <summary>
/// A structural judge of a CircleCI 2.1 config, written from CircleCI's configuration reference
/// (https://circleci.com/docs/reference/configuration-reference/) and independent of the generator: which keys each
/// level allows, what each needs, and that workflows name jobs that exist. Config 2.1 refuses keys it does not expect
/// (a typo or a key at the wrong level is not ignored), so an unknown key is an error here too. Each error names its
/// rule by the reference's section anchor. The key lists were cross-checked against CircleCI's published JSON schema
/// (CircleCI-Public/circleci-yaml-language-server, schema.json); keys only the schema has are marked "schema".
/// </summary>
public static partial class CircleCiRules
{
    public const string Reference = "configuration-reference";

    // configuration-reference: the page's top-level sections. job-groups is newer than the page (CircleCI changelog,
    // "Job groups: serialize multiple jobs as one unit"). CircleCI tolerates extra top-level keys that only hold YAML
    // anchors, but the generator writes no anchors, so an unknown top-level key here is a typo such as `workflow:`.
    private static readonly HashSet<string> TopLevelKeys =
        ["version", "setup", "orbs", "commands", "parameters", "executors", "jobs", "workflows", "job-groups"];

    // configuration-reference#job-name, plus #circleciipranges, executor (reusing-config) and, from the schema,
    // description and retention. `branches` is deprecated (#branches-deprecated) and reported on its own.
    private static readonly HashSet<string> JobKeys =
    [
        "type", "docker", "machine", "macos", "executor", "shell", "parameters", "steps", "working_directory",
        "parallelism", "environment", "resource_class", "circleci_ip_ranges", "description", "retention",
    ];

    private static readonly string[] Executors = ["docker", "machine", "macos", "executor"];

    // configuration-reference#job-type: build is the default; lock and unlock are in the schema only.
    private static readonly HashSet<string> JobTypes = ["build", "release", "no-op", "approval", "lock", "unlock"];

    // configuration-reference#jobs-in-workflow and its subsections: the keys of a job's entry in a workflow, each with
    // the section that defines it. Any other key must be a parameter the job declares (#parameters-job).
    private static readonly Dictionary<string, string> WorkflowEntryKeys = new()
    {
        ["requires"] = "requires", ["name"] = "name", ["context"] = "context", ["type"] = "type",
        ["filters"] = "jobfilters", ["matrix"] = "matrix", ["serial-group"] = "serial-group",
        ["override-with"] = "override-with", ["pre-steps"] = "pre-steps-and-post-steps",
        ["post-steps"] = "pre-steps-and-post-steps",
    };

    // configuration-reference#parameters-job: names a job parameter may not take.
    private static readonly HashSet<string> ReservedJobParameters = ["name", "requires", "context", "type", "filters", "matrix"];

    /// <summary>Every rule the config breaks; none for a config CircleCI would accept as far as these rules go.</summary>
    public static IReadOnlyList<CircleCiError> Validate(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return [new("", "yaml", $"not valid YAML: {e.Message}")];
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            return [new("", Reference, "the config must be one YAML document holding a map")];
        var checker = new Checker(root);
        checker.Config();
        return checker.Errors;
    }

    private sealed partial class Checker(YamlMappingNode root)
    {
        public List<CircleCiError> Errors { get; } = [];

        private readonly Dictionary<string, YamlMappingNode> jobs = Entries(root, "jobs");
        private readonly Dictionary<string, YamlMappingNode> commands = Entries(root, "commands");
        private readonly HashSet<string> executors = Entries(root, "executors").Keys.ToHashSet();
        private readonly HashSet<string> orbs = Child(root, "orbs") is YamlMappingNode o ? o.Children.Keys.Select(Name).ToHashSet() : [];
        private readonly HashSet<string> jobGroups = Child(root, "job-groups") is YamlMappingNode g ? g.Children.Keys.Select(Name).ToHashSet() : [];

        public void Config()
        {
            foreach (var (key, _) in Pairs(root))
                if (!TopLevelKeys.Contains(key))
                    Error(key, "", $"`{key}` is not a top-level key (allowed: {string.Join(", ", TopLevelKeys)})");

            // #version: this judge knows the 2.1 rules (orbs, commands, parameters, serial-group need 2.1).
            if (Text(Child(root, "version")) != "2.1")
                Error("version", "version", "version is required and must be 2.1");
            if (Child(root, "setup") is { } setup && !IsBool(setup))
                Error("setup", "setup", "setup must be a boolean");
            if (Child(root, "orbs") is { } orbsNode && orbsNode is not YamlMappingNode)
                Error("orbs", "orbs", "orbs must map names to orb references or definitions");
            if (Child(root, "parameters") is { } pipelineParameters)
                Parameters(pipelineParameters, "parameters", "parameters-pipeline", ["string", "boolean", "integer", "enum"]);
            foreach (var (name, command) in Pairs(Child(root, "commands")))
                Command($"commands.{name}", command);
            foreach (var (name, executor) in Pairs(Child(root, "executors")))
                Executor($"executors.{name}", executor);
            JobDefinitions();
            Workflows();
        }

        private void Command(string path, YamlNode node)
        {
            if (!IsMapAt(node, path, "commands", "a command definition")) return;
            var map = (YamlMappingNode)node;
            AllowOnly(map, path, "commands", ["steps", "parameters", "description"]);
            if (Child(map, "parameters") is { } parameters) Parameters(parameters, $"{path}.parameters", "commands", null);
            if (Child(map, "steps") is { } steps) Steps(steps, $"{path}.steps", onMachine: false);
            else Error(path, "commands", "a command needs steps");
        }

        private void Executor(string path, YamlNode node)
        {
            if (!IsMapAt(node, path, "executors", "an executor definition")) return;
            var map = (YamlMappingNode)node;
            AllowOnly(map, path, "executors",
                ["docker", "machine", "macos", "windows", "resource_class", "shell", "working_directory", "environment", "parameters", "description"]);
            var kinds = new[] { "docker", "machine", "macos", "windows" }.Where(k => Child(map, k) is not null).ToList();
            if (kinds.Count != 1)
                Error(path, "executors", $"an executor sets exactly one of docker, machine, macos, windows (found {Listed(kinds)})");
            ExecutorBody(map, path);
            if (Child(map, "parameters") is { } parameters) Parameters(parameters, $"{path}.parameters", "executors", null);
        }

        private void JobDefinitions()
        {
            if (Child(root, "jobs") is { } node && node is not YamlMappingNode)
                Error("jobs", "jobs", "jobs must map job names to job definitions");
            // #job-name: "A name should be case insensitive unique within a current jobs list".
            foreach (var clash in jobs.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
                Error("jobs", "job-name", $"job names must be unique ignoring case: {string.Join(", ", clash)}");
            foreach (var (name, job) in Pairs(Child(root, "jobs")))
                Job($"jobs.{name}", job);
        }

        private void Job(string path, YamlNode node)
        {
            if (!IsMapAt(node, path, "job-name", "a job definition")) return;
            var job = (YamlMappingNode)node;
            var type = Text(Child(job, "type")) ?? "build";
            if (!JobTypes.Contains(type))
            {
                Error($"{path}.type", "job-type", $"unknown job type `{type}` (allowed: {string.Join(", ", JobTypes)})");
                return;
            }
            switch (type)
            {
                case "no-op" or "approval":
                    // #job-type: a no-op job needs only its type; an approval job takes no job configuration.
                    AllowOnly(job, path, "job-type", ["type"]);
                    return;
                case "release":
                    AllowOnly(job, path, "job-type", ["type", "plan_name"]);
                    RequireKey(job, path, "job-type", "plan_name");
                    return;
                case "lock" or "unlock":
                    AllowOnly(job, path, "job-type", ["type", "key"]);
                    RequireKey(job, path, "job-type", "key");
                    return;
            }

            foreach (var (key, _) in Pairs(job))
            {
                if (JobKeys.Contains(key)) continue;
                if (key == "branches")
                    Error($"{path}.branches", "branches-deprecated", "job-level branches is deprecated and ignored by workflows: use filters.branches on the job's workflow entry");
                else if (WorkflowEntryKeys.TryGetValue(key, out var section))
                    Error($"{path}.{key}", section, $"`{key}` is a workflow job key, not a job definition key: put it on the job's entry under {EntriesOf(path)}");
                else
                    Error($"{path}.{key}", "job-name", $"`{key}` is not a job definition key (allowed: {string.Join(", ", JobKeys)})");
            }

            // #executor-job: "One executor type should be specified per job. If more than one is set you will receive an error."
            var executorKeys = Executors.Where(k => Child(job, k) is not null).ToList();
            if (executorKeys.Count != 1)
                Error(path, "executor-job", $"a job sets exactly one executor: docker, machine, macos or executor (found {Listed(executorKeys)})");
            ExecutorBody(job, path);
            if (Child(job, "executor") is { } executor) ExecutorReference(executor, $"{path}.executor");

            if (Child(job, "steps") is { } steps) Steps(steps, $"{path}.steps", onMachine: Child(job, "machine") is not null);
            else Error(path, "job-name", "a job needs steps");

            if (Child(job, "parallelism") is { } parallelism && !(IsReference(parallelism) || int.TryParse(Text(parallelism), out var n) && n >= 1))
                Error($"{path}.parallelism", "parallelism", "parallelism must be an integer of at least 1");
            if (Child(job, "circleci_ip_ranges") is { } ipRanges && !IsBool(ipRanges))
                Error($"{path}.circleci_ip_ranges", "circleciipranges", "circleci_ip_ranges must be a boolean");
            foreach (var key in new[] { "shell", "working_directory", "resource_class", "description" })
                if (Child(job, key) is { } value && value is not YamlScalarNode)
                    Error($"{path}.{key}", "job-name", $"{key} must be a string");
            if (Child(job, "parameters") is { } parameters)
            {
                Parameters(parameters, $"{path}.parameters", "parameters-job", null);
                foreach (var (name, _) in Pairs(parameters).Where(p => ReservedJobParameters.Contains(p.Key)))
                    Error($"{path}.parameters.{name}", "parameters-job", $"`{name}` is a reserved parameter name (reserved: {string.Join(", ", ReservedJobParameters)})");
            }
        }

        /// <summary>The executor keys a job and an executor definition share: docker, machine, macos, environment.</summary>
        private void ExecutorBody(YamlMappingNode map, string path)
        {
            if (Child(map, "docker") is { } docker) Docker(docker, $"{path}.docker");
            if (Child(map, "machine") is { } machine) Machine(machine, $"{path}.machine");
            if (Child(map, "macos") is { } macos && IsMapAt(macos, $"{path}.macos", "macos", "a map with xcode"))
            {
                AllowOnly((YamlMappingNode)macos, $"{path}.macos", "macos", ["xcode", "resource_class", "shell"]);
                RequireKey((YamlMappingNode)macos, $"{path}.macos", "macos", "xcode");
            }
            if (Child(map, "environment") is { } environment) Environment(environment, $"{path}.environment", "environment");
        }

        private void Docker(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode images || images.Children.Count == 0)
            {
                Error(path, "docker", "docker must be a non-empty list of images");
                return;
            }
            for (var i = 0; i < images.Children.Count; i++)
            {
                var imagePath = $"{path}[{i}]";
                if (!IsMapAt(images.Children[i], imagePath, "docker", "a map with image")) continue;
                var image = (YamlMappingNode)images.Children[i];
                AllowOnly(image, imagePath, "docker", ["image", "name", "entrypoint", "command", "user", "environment", "auth", "aws_auth"]);
                RequireKey(image, imagePath, "docker", "image");
                if (Child(image, "auth") is { } auth && IsMapAt(auth, $"{imagePath}.auth", "docker-auth", "a map"))
                {
                    AllowOnly((YamlMappingNode)auth, $"{imagePath}.auth", "docker-auth", ["username", "password"]);
                    RequireKey((YamlMappingNode)auth, $"{imagePath}.auth", "docker-auth", "username");
                    RequireKey((YamlMappingNode)auth, $"{imagePath}.auth", "docker-auth", "password");
                }
                if (Child(image, "aws_auth") is { } aws && IsMapAt(aws, $"{imagePath}.aws_auth", "aws-authentication", "a map"))
                {
                    var keys = Pairs(aws).Select(p => p.Key).ToHashSet();
                    if (!keys.SetEquals(["oidc_role_arn"]) && !keys.SetEquals(["aws_access_key_id", "aws_secret_access_key"]))
                        Error($"{imagePath}.aws_auth", "aws-authentication", "aws_auth takes either oidc_role_arn or aws_access_key_id with aws_secret_access_key");
                }
                if (Child(image, "environment") is { } environment) Environment(environment, $"{imagePath}.environment", "docker");
            }
        }

        private void Machine(YamlNode node, string path)
        {
            // #machine: a map with image (required) and docker_layer_caching; shell, resource_class and enabled are
            // schema keys. `machine: true` is the server and self-hosted runner form.
            if (node is YamlScalarNode)
            {
                if (!IsBool(node)) Error(path, "machine", "machine must be a map with image (or true on server and runners)");
                return;
            }
            if (!IsMapAt(node, path, "machine", "a map with image")) return;
            var machine = (YamlMappingNode)node;
            AllowOnly(machine, path, "machine", ["image", "docker_layer_caching", "shell", "resource_class", "enabled"]);
            RequireKey(machine, path, "machine", "image");
            if (Child(machine, "docker_layer_caching") is { } dlc && !IsBool(dlc))
                Error($"{path}.docker_layer_caching", "machine", "docker_layer_caching must be a boolean");
        }

        private void ExecutorReference(YamlNode node, string path)
        {
            var name = node is YamlMappingNode map ? Text(Child(map, "name")) : Text(node);
            if (name is null)
                Error(path, "executors", "executor must be an executor's name, or a map with its name and parameters");
            else if (!executors.Contains(name) && !IsOrbReference(name) && !IsReference(node))
                Error(path, "executors", $"`{name}` is not an executor defined under executors (nor an orb's executor)");
        }

        /// <summary>Where a job's workflow entries are, for a message: workflows.main.jobs, or the pattern if none runs it.</summary>
        private string EntriesOf(string jobPath)
        {
            var job = jobPath["jobs.".Length..];
            var running = Pairs(Child(root, "workflows"))
                .Where(w => Child(w.Value, "jobs") is YamlSequenceNode list && list.Children.Any(e => (Text(e) ?? Pairs(e).FirstOrDefault().Key) == job))
                .Select(w => $"workflows.{w.Key}.jobs").ToList();
            return running.Count > 0 ? string.Join(" and ", running) : "workflows.<workflow>.jobs";
        }

        private bool IsOrbReference(string name) => name.Split('/') is [var orb, _] && orbs.Contains(orb);
    }
}
