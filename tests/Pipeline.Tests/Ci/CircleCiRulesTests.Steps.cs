namespace Pipeline.Tests.Ci;

/// <summary>The step rules: each built-in step's keys, and the shape of a step.</summary>
public sealed partial class CircleCiRulesTests
{
    // configuration-reference#steps: "a list of single key/value pairs, the key of which indicates the step type";
    // `command:` at run's own indent makes a step with two keys (the slip CircleCI's 2020 stricter validation caught).
    [Fact]
    public void A_step_has_its_keys_under_the_step_type() =>
        AssertCaught(Config(steps: "- run:\n  command: make test"), Config(steps: "- run:\n    command: make test"), "jobs.build.steps[0]", "steps");

    // configuration-reference#steps: a step is a built-in step, a command (commands) or an orb's command.
    [Fact]
    public void A_step_is_a_known_step() =>
        AssertCaught(Config(steps: "- checkout_code"), Config(top: "commands:\n  checkout_code:\n    steps: [checkout]", steps: "- checkout_code"),
            "jobs.build.steps[0]", "steps");

    // configuration-reference#commands: a command step passes only the parameters the command declares.
    [Fact]
    public void A_command_step_passes_only_declared_parameters() =>
        AssertCaught(Config(top: Greet, steps: "- greet:\n    whom: world"), Config(top: Greet, steps: "- greet:\n    to: world"),
            "jobs.build.steps[0].greet.whom", "commands");

    // configuration-reference#run: "command | Y | String"; a bare `- run` has none.
    [Fact]
    public void Run_needs_a_command()
    {
        AssertCaught(Config(steps: "- run:\n    name: Test"), Config(steps: "- run:\n    name: Test\n    command: make test"), "jobs.build.steps[0].run", "run");
        AssertCaught(Config(steps: "- run"), Config(steps: "- run: make test"), "jobs.build.steps[0]", "run");
    }

    // configuration-reference#run: run's keys are command, name, shell, environment, background, working_directory,
    // no_output_timeout, when.
    [Fact]
    public void Run_takes_only_its_keys() =>
        AssertCaught(Config(steps: "- run:\n    command: make test\n    timeout: 5m"), Config(steps: "- run:\n    command: make test\n    no_output_timeout: 5m"),
            "jobs.build.steps[0].run.timeout", "run");

    // configuration-reference#run: no_output_timeout is "a decimal with unit suffix, such as "20m", "1.25h", "5s"".
    [Fact]
    public void No_output_timeout_is_a_decimal_with_a_unit() =>
        AssertCaught(Config(steps: "- run:\n    command: make test\n    no_output_timeout: 10 minutes"),
            Config(steps: "- run:\n    command: make test\n    no_output_timeout: 1.25h"), "jobs.build.steps[0].run.no_output_timeout", "run");

    // configuration-reference#run: "background | N | Boolean".
    [Fact]
    public void Background_is_a_boolean() =>
        AssertCaught(Config(steps: "- run:\n    command: Xvfb :99\n    background: later"), Config(steps: "- run:\n    command: Xvfb :99\n    background: true"),
            "jobs.build.steps[0].run.background", "run");

    // configuration-reference#the-when-attribute: when takes always, on_success or on_fail.
    [Fact]
    public void The_when_attribute_takes_known_values() =>
        AssertCaught(Config(steps: "- run:\n    command: make logs\n    when: on_failure"), Config(steps: "- run:\n    command: make logs\n    when: on_fail"),
            "jobs.build.steps[0].run.when", "the-when-attribute");

    // configuration-reference#the-when-step: a when/unless step has condition and steps, both required.
    [Fact]
    public void A_when_step_has_condition_and_steps() =>
        AssertCaught(Config(steps: "- when:\n    condition: true\n    run: echo hi"), Config(steps: "- when:\n    condition: true\n    steps:\n      - run: echo hi"),
            "jobs.build.steps[0].when.run", "the-when-step");

    // configuration-reference#checkout: checkout takes path only (method and depth in the schema).
    [Fact]
    public void Checkout_takes_only_its_keys() =>
        AssertCaught(Config(steps: "- checkout:\n    dir: src"), Config(steps: "- checkout:\n    path: src"), "jobs.build.steps[0].checkout.dir", "checkout");

    // configuration-reference#savecache: "paths | Y" and "key | Y".
    [Fact]
    public void Save_cache_needs_key_and_paths() =>
        AssertCaught(Config(steps: "- save_cache:\n    key: v1-deps"), Config(steps: "- save_cache:\n    key: v1-deps\n    paths: [~/.nuget/packages]"),
            "jobs.build.steps[0].save_cache", "savecache");

    // configuration-reference#savecache: save_cache cannot be a bare string, it needs its keys.
    [Fact]
    public void Save_cache_is_not_a_bare_step() =>
        AssertCaught(Config(steps: "- save_cache"), Config(steps: "- save_cache:\n    key: v1-deps\n    paths: [~/deps]"), "jobs.build.steps[0]", "savecache");

    // configuration-reference#restorecache: key or keys, "at least one attribute has to be present".
    [Fact]
    public void Restore_cache_needs_key_or_keys() =>
        AssertCaught(Config(steps: "- restore_cache:\n    name: Restore"), Config(steps: "- restore_cache:\n    name: Restore\n    keys: [v1-deps]"),
            "jobs.build.steps[0].restore_cache", "restorecache");

    // configuration-reference#persisttoworkspace: "root | Y" and "paths | Y".
    [Fact]
    public void Persist_to_workspace_needs_root_and_paths() =>
        AssertCaught(Config(steps: "- persist_to_workspace:\n    paths: [.]"), Config(steps: "- persist_to_workspace:\n    root: /tmp/out\n    paths: [.]"),
            "jobs.build.steps[0].persist_to_workspace", "persisttoworkspace");

    // configuration-reference#attachworkspace: "at | Y | String".
    [Fact]
    public void Attach_workspace_needs_at() =>
        AssertCaught(Config(steps: "- attach_workspace:\n    path: /tmp/out"), Config(steps: "- attach_workspace:\n    at: /tmp/out"),
            "jobs.build.steps[0].attach_workspace", "attachworkspace");

    // configuration-reference#storetestresults: "path | Y | String".
    [Fact]
    public void Store_test_results_needs_path() =>
        AssertCaught(Config(steps: "- store_test_results:\n    paths: [results]"), Config(steps: "- store_test_results:\n    path: results"),
            "jobs.build.steps[0].store_test_results", "storetestresults");

    // configuration-reference#storeartifacts: path (required) and destination.
    [Fact]
    public void Store_artifacts_takes_path_and_destination() =>
        AssertCaught(Config(steps: "- store_artifacts:\n    path: logs\n    to: logs"), Config(steps: "- store_artifacts:\n    path: logs\n    destination: logs"),
            "jobs.build.steps[0].store_artifacts.to", "storeartifacts");

    // configuration-reference#setupremotedocker: docker_layer_caching and version.
    [Fact]
    public void Setup_remote_docker_takes_only_its_keys() =>
        AssertCaught(Config(steps: "- setup_remote_docker:\n    dlc: true"), Config(steps: "- setup_remote_docker:\n    docker_layer_caching: true\n    version: default"),
            "jobs.build.steps[0].setup_remote_docker.dlc", "setupremotedocker");

    // configuration-reference#setupremotedocker: "setup_remote_docker is not compatible with the machine executor".
    [Fact]
    public void Setup_remote_docker_is_not_for_the_machine_executor() =>
        AssertCaught(Config(jobs: "vm:\n  machine: {image: ubuntu-2204:current}\n  steps: [setup_remote_docker]", entries: "- vm"),
            Config(jobs: "vm:\n  docker: [{image: cimg/base:current}]\n  steps: [setup_remote_docker]", entries: "- vm"),
            "jobs.vm.steps[0]", "setupremotedocker");

    // configuration-reference#add-ssh-keys: "fingerprints | N | List".
    [Fact]
    public void Add_ssh_keys_takes_a_list_of_fingerprints() =>
        AssertCaught(Config(steps: "- add_ssh_keys:\n    fingerprints: SHA256:abc"), Config(steps: "- add_ssh_keys:\n    fingerprints: ['SHA256:abc']"),
            "jobs.build.steps[0].add_ssh_keys.fingerprints", "add-ssh-keys");

    // configuration-reference#deploy-deprecated: the deploy step is deprecated, "See run for current processes".
    [Fact]
    public void The_deploy_step_is_deprecated() =>
        AssertCaught(Config(steps: "- deploy:\n    command: ./deploy.sh"), Config(steps: "- run:\n    command: ./deploy.sh"),
            "jobs.build.steps[0].deploy", "deploy-deprecated");

    private const string Greet = "commands:\n  greet:\n    parameters:\n      to: {type: string, default: you}\n    steps:\n      - run: echo hello << parameters.to >>";
}
