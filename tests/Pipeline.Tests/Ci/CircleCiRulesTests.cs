using Pipeline.Ci;
using Pipeline.Tests.EndToEnd;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

/// <summary>
/// CircleCiRules judges the generated CircleCI config, so each rule is first shown to catch a planted mistake (and to
/// accept the corrected form) before the judge is trusted on the committed file. Each test cites the section of
/// https://circleci.com/docs/reference/configuration-reference/ the rule comes from.
/// </summary>
public sealed partial class CircleCiRulesTests
{
    [Fact]
    public void The_committed_CircleCI_config_breaks_no_rule()
    {
        var errors = CircleCiRules.Validate(File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, CircleCiConfig.Path)));
        Assert.True(errors.Count == 0, $"{CircleCiConfig.Path} breaks CircleCI's rules:\n{string.Join('\n', errors)}");
    }

    // configuration-reference#serial-group: serial-group is a key of a job's entry in a workflow. The committed file
    // once had it on the job definitions; with it moved to the workflow entries, nothing else is wrong.
    [Fact]
    public void The_committed_config_with_serial_group_on_the_workflow_entries_breaks_no_rule()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, CircleCiConfig.Path))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        MoveSerialGroupsToWorkflowEntries(root);
        var text = new StringWriter();
        stream.Save(text, assignAnchors: false);

        var errors = CircleCiRules.Validate(text.ToString());
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.Contains("serial-group", text.ToString());
    }

    private static void MoveSerialGroupsToWorkflowEntries(YamlMappingNode root)
    {
        var key = new YamlScalarNode("serial-group");
        var moved = new Dictionary<string, YamlNode>();
        foreach (var (name, job) in ((YamlMappingNode)root["jobs"]).Children)
            if (job is YamlMappingNode definition && definition.Children.TryGetValue(key, out var group))
            {
                definition.Children.Remove(key);
                moved[((YamlScalarNode)name).Value!] = group;
            }
        foreach (var workflow in ((YamlMappingNode)root["workflows"]).Children.Values.OfType<YamlMappingNode>())
        {
            var entries = (YamlSequenceNode)workflow["jobs"];
            for (var i = 0; i < entries.Children.Count; i++)
            {
                var (job, body) = entries.Children[i] is YamlMappingNode map
                    ? (((YamlScalarNode)map.Children.Keys.Single()).Value!, map.Children.Values.Single() as YamlMappingNode)
                    : (((YamlScalarNode)entries.Children[i]).Value!, null);
                if (!moved.TryGetValue(job, out var group)) continue;
                body ??= new YamlMappingNode();
                body.Children[key] = group;
                entries.Children[i] = new YamlMappingNode(new YamlScalarNode(job), body);
            }
        }
    }

    [Fact]
    public void The_small_config_the_rule_tests_start_from_breaks_no_rule() => AssertValid(Config());

    // configuration-reference (the top-level sections: version, setup, orbs, commands, parameters, executors, jobs,
    // workflows): a misspelt top-level key is refused.
    [Fact]
    public void An_unknown_top_level_key_is_refused() =>
        AssertCaught(Config(top: "workflow: {}"), Config(top: "setup: false"), "workflow", "");

    // configuration-reference#version: "2, 2.0, or 2.1"; this judge knows the 2.1 rules (orbs, commands, serial-group).
    [Fact]
    public void Version_must_be_2_1() =>
        AssertCaught(Config().Replace("version: 2.1", "version: 2"), Config(), "version", "version");

    // configuration-reference#setup: "setup | N | Boolean".
    [Fact]
    public void Setup_is_a_boolean() =>
        AssertCaught(Config(top: "setup: dynamic"), Config(top: "setup: true"), "setup", "setup");

    // configuration-reference#parameters-pipeline: pipeline parameters support string, boolean, integer and enum types.
    [Fact]
    public void Pipeline_parameters_have_a_known_type() =>
        AssertCaught(Config(top: "parameters:\n  deploy:\n    type: bool\n    default: false"),
            Config(top: "parameters:\n  deploy:\n    type: boolean\n    default: false"), "parameters.deploy.type", "parameters-pipeline");

    // configuration-reference#job-name: the keys of a job definition (type, docker, machine, macos, shell, parameters,
    // steps, working_directory, parallelism, environment, resource_class, ...); any other key is refused.
    [Fact]
    public void A_job_definition_takes_only_its_keys() =>
        AssertCaught(Config(build: "timeout: 10m"), Config(build: "resource_class: large"), "jobs.build.timeout", "job-name");

    // configuration-reference#serial-group: "serial-group" is a workflow job key, not a job definition key.
    [Fact]
    public void Serial_group_belongs_on_the_workflow_entry_not_the_job_definition() =>
        AssertCaught(Config(build: "serial-group: deploys/build"),
            Config(deploy: "requires: [build]\nserial-group: deploys/staging"), "jobs.build.serial-group", "serial-group");

    // configuration-reference#requires: requires is likewise a workflow job key; on a job definition it is refused.
    [Fact]
    public void Requires_belongs_on_the_workflow_entry_not_the_job_definition() =>
        AssertCaught(Config(build: "requires: [deploy]"), Config(), "jobs.build.requires", "requires");

    // configuration-reference#branches-deprecated: "Use workflows filtering to control which jobs run for which branches."
    [Fact]
    public void Job_level_branches_is_deprecated() =>
        AssertCaught(Config(build: "branches:\n  only: [main]"),
            Config(deploy: "requires: [build]\nfilters:\n  branches:\n    only: [main]"), "jobs.build.branches", "branches-deprecated");

    // configuration-reference#executor-job: "One executor type should be specified per job. If more than one is set
    // you will receive an error." (docker, machine, macos, or a reusable executor).
    [Fact]
    public void A_job_sets_exactly_one_executor()
    {
        AssertCaught(Config(build: "machine:\n  image: ubuntu-2204:current"), Config(), "jobs.build", "executor-job");
        AssertCaught(Config(jobs: "lint:\n  steps: [checkout]", entries: "- lint"),
            Config(jobs: "lint:\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]", entries: "- lint"), "jobs.lint", "executor-job");
    }

    // configuration-reference#job-name: "steps | Y | List".
    [Fact]
    public void A_job_needs_steps() =>
        AssertCaught(Config(jobs: "lint:\n  docker: [{image: cimg/base:current}]", entries: "- lint"),
            Config(jobs: "lint:\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]", entries: "- lint"), "jobs.lint", "job-name");

    // configuration-reference#job-name: "A name should be case insensitive unique within a current jobs list".
    [Fact]
    public void Job_names_are_unique_ignoring_case() =>
        AssertCaught(Config(jobs: "Build:\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]", entries: "- Build"),
            Config(jobs: "build-again:\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]", entries: "- build-again"), "jobs", "job-name");

    // configuration-reference#job-type: build (default), release, no-op, approval; "Only the type is required for a
    // no-op type job" and an approval job takes no job configuration.
    [Fact]
    public void A_no_op_job_takes_only_its_type() =>
        AssertCaught(Config(jobs: "gate:\n  type: no-op\n  steps: [checkout]", entries: "- gate"),
            Config(jobs: "gate:\n  type: no-op", entries: "- gate"), "jobs.gate.steps", "job-type");

    // configuration-reference#job-type: a type outside build, release, no-op, approval is refused.
    [Fact]
    public void A_job_type_is_a_known_one() =>
        AssertCaught(Config(build: "type: deploy"), Config(build: "type: build"), "jobs.build.type", "job-type");

    // configuration-reference#docker: an image's keys are image (required), name, entrypoint, command, user,
    // environment, auth, aws_auth.
    [Fact]
    public void A_docker_image_takes_only_its_keys() =>
        AssertCaught(Config(jobs: "lint:\n  docker:\n    - image: cimg/base:current\n      tag: edge\n  steps: [checkout]", entries: "- lint"),
            Config(jobs: "lint:\n  docker:\n    - image: cimg/base:edge\n      user: circleci\n  steps: [checkout]", entries: "- lint"),
            "jobs.lint.docker[0].tag", "docker");

    // configuration-reference#machine: "image | Y | String" ("The use of machine: true is deprecated" on cloud).
    [Fact]
    public void A_machine_map_needs_an_image() =>
        AssertCaught(Config(jobs: "vm:\n  machine:\n    docker_layer_caching: true\n  steps: [checkout]", entries: "- vm"),
            Config(jobs: "vm:\n  machine:\n    image: ubuntu-2204:current\n    docker_layer_caching: true\n  steps: [checkout]", entries: "- vm"),
            "jobs.vm.machine", "machine");

    // configuration-reference#macos: "xcode | Y | String".
    [Fact]
    public void A_macos_executor_needs_xcode() =>
        AssertCaught(Config(jobs: "mac:\n  macos:\n    version: '15.4.0'\n  steps: [checkout]", entries: "- mac"),
            Config(jobs: "mac:\n  macos:\n    xcode: '15.4.0'\n  steps: [checkout]", entries: "- mac"), "jobs.mac.macos", "macos");

    // configuration-reference#environment: "A map of environment variable names and values."
    [Fact]
    public void A_job_environment_is_a_map() =>
        AssertCaught(Config(build: "environment:\n  - FOO=bar"), Config(build: "environment:\n  FOO: bar"), "jobs.build.environment", "environment");

    // configuration-reference#parallelism: "Number of parallel instances of this job to run (default: 1)".
    [Fact]
    public void Parallelism_is_a_positive_integer() =>
        AssertCaught(Config(build: "parallelism: 0"), Config(build: "parallelism: 3"), "jobs.build.parallelism", "parallelism");

    // configuration-reference#circleciipranges: circleci_ip_ranges is set to true to opt a job in.
    [Fact]
    public void Circleci_ip_ranges_is_a_boolean() =>
        AssertCaught(Config(build: "circleci_ip_ranges: sometimes"), Config(build: "circleci_ip_ranges: true"),
            "jobs.build.circleci_ip_ranges", "circleciipranges");

    // configuration-reference#parameters-job: "Reserved parameter-names: name, requires, context, type, filters, matrix".
    [Fact]
    public void A_job_parameter_does_not_take_a_reserved_name() =>
        AssertCaught(Config(build: "parameters:\n  context:\n    type: string\n    default: x"),
            Config(build: "parameters:\n  target:\n    type: string\n    default: x"), "jobs.build.parameters.context", "parameters-job");

    // configuration-reference#parameters-job (and reusing-config's parameter syntax): a parameter without a default
    // must be given by each workflow entry that runs the job.
    [Fact]
    public void A_job_parameter_without_a_default_is_given_by_the_workflow_entry() =>
        AssertCaught(Config(build: "parameters:\n  target:\n    type: string"),
            Config(build: "parameters:\n  target:\n    type: string\n    default: staging"), "workflows.main.jobs[0]", "parameters-job");

    // configuration-reference#executors: a job's executor names an executor defined under executors (or an orb's).
    [Fact]
    public void A_job_executor_names_a_defined_executor() =>
        AssertCaught(Config(jobs: "lint:\n  executor: small\n  steps: [checkout]", entries: "- lint"),
            Config(top: "executors:\n  small:\n    docker: [{image: cimg/base:current}]\n    resource_class: small",
                jobs: "lint:\n  executor: small\n  steps: [checkout]", entries: "- lint"), "jobs.lint.executor", "executors");

    // configuration-reference#commands: "steps | Y | Sequence" in a command definition.
    [Fact]
    public void A_command_needs_steps() =>
        AssertCaught(Config(top: "commands:\n  greet:\n    description: says hello"),
            Config(top: "commands:\n  greet:\n    description: says hello\n    steps:\n      - run: echo hello"), "commands.greet", "commands");

    /// <summary>
    /// A small config CircleCI accepts: jobs build (docker) and deploy (machine) and the workflow main running build,
    /// then deploy after it. A test plants one mistake through an argument: a YAML text written at its own indent,
    /// which is placed under build (build), build's steps (steps), deploy's workflow entry (deploy), jobs (jobs),
    /// main's job list (entries), main (workflow), workflows (workflows) or the top level (top).
    /// </summary>
    internal static string Config(string build = "", string steps = "- checkout", string deploy = "requires: [build]",
        string jobs = "", string entries = "", string workflow = "", string workflows = "", string top = "") =>
        $"""
        version: 2.1
        {At(0, top)}
        jobs:
          build:
            docker:
              - image: cimg/base:current
        {At(4, build)}
            steps:
        {At(6, steps)}
          deploy:
            machine:
              image: ubuntu-2204:current
            steps:
              - run: ./deploy.sh
        {At(2, jobs)}
        workflows:
          main:
        {At(4, workflow)}
            jobs:
              - build
              - deploy:
        {At(10, deploy)}
        {At(6, entries)}
        {At(2, workflows)}
        """;

    private static string At(int indent, string yaml) => string.Join('\n', yaml.Split('\n').Select(line => new string(' ', indent) + line));

    /// <summary>The judge fails <paramref name="bad"/> at <paramref name="path"/> for the rule, and passes <paramref name="good"/>.</summary>
    private static void AssertCaught(string bad, string good, string path, string section)
    {
        var rule = section.Length == 0 ? CircleCiRules.Reference : $"{CircleCiRules.Reference}#{section}";
        var errors = CircleCiRules.Validate(bad);
        Assert.True(errors.Any(e => e.Path == path && e.Rule == rule),
            $"expected an error at {path} [{rule}]; got:\n{string.Join('\n', errors.DefaultIfEmpty(new("", "", "(none)")))}\nin:\n{bad}");
        AssertValid(good);
    }

    private static void AssertValid(string yaml)
    {
        var errors = CircleCiRules.Validate(yaml);
        Assert.True(errors.Count == 0, $"{string.Join('\n', errors)}\nin:\n{yaml}");
    }
}
