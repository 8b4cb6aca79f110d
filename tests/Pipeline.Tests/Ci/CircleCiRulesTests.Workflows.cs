namespace Pipeline.Tests.Ci;

/// <summary>The workflow rules: a workflow's keys, its job entries, and the jobs they name and require.</summary>
public sealed partial class CircleCiRulesTests
{
    // configuration-reference#workflowname: a workflow takes jobs, triggers, when/unless and max_auto_reruns.
    [Fact]
    public void A_workflow_takes_only_its_keys() =>
        AssertCaught(Config(workflow: "retries: 2"), Config(workflow: "max_auto_reruns: 2"), "workflows.main.retries", "workflowname");

    // configuration-reference#logic-statements: "When using logic statements at the workflow level, do not include
    // the condition: key".
    [Fact]
    public void A_workflow_when_has_no_condition_key() =>
        AssertCaught(Config(workflow: "when:\n  condition:\n    equal: [main, << pipeline.git.branch >>]"),
            Config(workflow: "when:\n  equal: [main, << pipeline.git.branch >>]"), "workflows.main.when.condition", "logic-statements");

    // configuration-reference#schedule and #cron: a schedule trigger needs cron, and filters with branches.
    [Fact]
    public void A_schedule_trigger_needs_cron() =>
        AssertCaught(Config(workflows: "nightly:\n  triggers:\n    - schedule:\n        filters: {branches: {only: [main]}}\n  jobs: [build]"),
            Config(workflows: "nightly:\n  triggers:\n    - schedule:\n        cron: '0 0 * * *'\n        filters: {branches: {only: [main]}}\n  jobs: [build]"),
            "workflows.nightly.triggers[0].schedule", "cron");

    // configuration-reference#jobs-in-workflow: "A job can have the keys requires, name, context, type, and filters"
    // (and matrix, serial-group, override-with, pre-steps, post-steps, and the parameters the job declares).
    [Fact]
    public void A_workflow_entry_takes_only_workflow_keys_and_declared_parameters() =>
        AssertCaught(Config(deploy: "requires: [build]\nwhen: always"),
            Config(build: "parameters:\n  target:\n    type: string\n    default: a", entries: "- build:\n    name: build-b\n    target: b"),
            "workflows.main.jobs[1].deploy.when", "jobs-in-workflow");

    // configuration-reference#job-name: resource_class is a job definition key; on a workflow entry it is refused.
    [Fact]
    public void A_job_definition_key_on_a_workflow_entry_is_refused() =>
        AssertCaught(Config(deploy: "requires: [build]\nresource_class: large"), Config(build: "resource_class: large"),
            "workflows.main.jobs[1].deploy.resource_class", "job-name");

    // configuration-reference#job-name-in-workflow: an entry is the job name, or a map from it to the entry's keys;
    // keys written at the job name's indent make a map with two keys instead.
    [Fact]
    public void A_workflow_entry_has_its_keys_under_the_job_name() =>
        AssertCaught(Config(jobs: Lint, entries: "- lint:\n  requires: [build]"),
            Config(jobs: Lint, entries: "- lint:\n    requires: [build]"), "workflows.main.jobs[2]", "job-name-in-workflow");

    // configuration-reference#job-name-in-workflow: "A job name that exists in your config.yml".
    [Fact]
    public void A_workflow_names_only_defined_jobs() =>
        AssertCaught(Config(entries: "- lint"), Config(jobs: Lint, entries: "- lint"), "workflows.main.jobs[2]", "job-name-in-workflow");

    // configuration-reference#orbs: a workflow may run an orb's job (orb-name/job-name) when the orb is declared.
    [Fact]
    public void A_workflow_names_an_orb_job_only_of_a_declared_orb() =>
        AssertCaught(Config(entries: "- node/test"), Config(top: "orbs:\n  node: circleci/node@7.1", entries: "- node/test"),
            "workflows.main.jobs[2]", "job-name-in-workflow");

    // configuration-reference#type: "An approval job can have any name" and "only exists as a workflow orchestration
    // devise": it needs no job definition, while the same entry without type: approval names an undefined job.
    [Fact]
    public void An_approval_entry_needs_no_job_definition() =>
        AssertCaught(Config(entries: "- hold:\n    requires: [build]"), Config(entries: "- hold:\n    type: approval\n    requires: [build]"),
            "workflows.main.jobs[2].hold", "job-name-in-workflow");

    // configuration-reference#type: "Only approval type jobs can have their type configured under workflows."
    [Fact]
    public void A_workflow_entry_type_is_only_approval() =>
        AssertCaught(Config(deploy: "requires: [build]\ntype: build"), Config(entries: "- hold:\n    type: approval"),
            "workflows.main.jobs[1].deploy.type", "type");

    // configuration-reference#requires: requires names jobs "in the current workflow" (an entry's name if it has one).
    [Fact]
    public void Requires_names_jobs_of_the_same_workflow()
    {
        AssertCaught(Config(deploy: "requires: [biuld]"), Config(deploy: "requires: [build]"), "workflows.main.jobs[1].deploy.requires[0]", "requires");
        AssertCaught(Config(workflows: "nightly:\n  jobs:\n    - deploy:\n        requires: [build]"),
            Config(workflows: "nightly:\n  jobs:\n    - build:\n        name: nightly-build\n    - deploy:\n        requires: [nightly-build]"),
            "workflows.nightly.jobs[0].deploy.requires[0]", "requires");
    }

    // configuration-reference#requires: "The possible status values are: success, failed and canceled."
    [Fact]
    public void Requires_waits_for_known_statuses() =>
        AssertCaught(Config(deploy: "requires:\n  - build: broken"), Config(deploy: "requires:\n  - build: [failed, canceled]"),
            "workflows.main.jobs[1].deploy.requires[0]", "requires");

    // configuration-reference#jobfilters: "Job filters can have the keys branches or tags" (or be an expression string).
    [Fact]
    public void Filters_take_branches_and_tags() =>
        AssertCaught(Config(deploy: "requires: [build]\nfilters:\n  branch:\n    only: main"),
            Config(deploy: "requires: [build]\nfilters: pipeline.git.branch == \"main\""), "workflows.main.jobs[1].deploy.filters.branch", "jobfilters");

    // configuration-reference#branches: "The branches filter can have the keys only and ignore".
    [Fact]
    public void Branch_filters_take_only_and_ignore() =>
        AssertCaught(Config(deploy: "requires: [build]\nfilters:\n  branches:\n    include: [main]"),
            Config(deploy: "requires: [build]\nfilters:\n  branches:\n    ignore: [/feature-.*/]"),
            "workflows.main.jobs[1].deploy.filters.branches.include", "branches");

    // configuration-reference#tags: "Tags can have the keys only and ignore", each a pattern or a list of them.
    [Fact]
    public void Tag_filters_take_only_and_ignore_patterns() =>
        AssertCaught(Config(deploy: "requires: [build]\nfilters:\n  tags:\n    only: {pattern: v1}"),
            Config(deploy: "requires: [build]\nfilters:\n  tags:\n    only: /^v.*/"), "workflows.main.jobs[1].deploy.filters.tags.only", "tags");

    // configuration-reference#context: "context | N | String/List".
    [Fact]
    public void Context_is_a_name_or_a_list_of_names() =>
        AssertCaught(Config(deploy: "requires: [build]\ncontext: {name: aws}"), Config(deploy: "requires: [build]\ncontext: [aws, org-global]"),
            "workflows.main.jobs[1].deploy.context", "context");

    // configuration-reference#name: "name | N | String".
    [Fact]
    public void An_entry_name_is_a_string() =>
        AssertCaught(Config(deploy: "requires: [build]\nname: [deploy-a]"), Config(deploy: "requires: [build]\nname: deploy-a"),
            "workflows.main.jobs[1].deploy.name", "name");

    // configuration-reference#matrix: "parameters | Y | Map", and "you must use parameterized jobs".
    [Fact]
    public void A_matrix_varies_parameters_the_job_declares() =>
        AssertCaught(Config(entries: "- lint:\n    matrix:\n      parameters:\n        version: ['1', '2']", jobs: Lint),
            Config(entries: "- lint:\n    matrix:\n      parameters:\n        version: ['1', '2']",
                jobs: "lint:\n  parameters:\n    version: {type: string}\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]"),
            "workflows.main.jobs[2].lint.matrix.parameters.version", "matrix");

    // configuration-reference#serial-group: the value is not blank and holds "alphanumeric characters plus . - _ /";
    // pipeline values such as << pipeline.project.slug >> may be used.
    [Fact]
    public void A_serial_group_holds_only_allowed_characters() =>
        AssertCaught(Config(deploy: "requires: [build]\nserial-group: deploys to staging"),
            Config(deploy: "requires: [build]\nserial-group: << pipeline.project.slug >>/staging"),
            "workflows.main.jobs[1].deploy.serial-group", "serial-group");

    // configuration-reference#override-with: "override-with | N | String" (an orb job's name).
    [Fact]
    public void Override_with_names_an_orb_job() =>
        AssertCaught(Config(deploy: "requires: [build]\noverride-with: [my-orb/deploy]"), Config(deploy: "requires: [build]\noverride-with: my-orb/deploy"),
            "workflows.main.jobs[1].deploy.override-with", "override-with");

    // configuration-reference#pre-steps-and-post-steps: pre-steps and post-steps are steps, checked as steps are.
    [Fact]
    public void Pre_steps_are_checked_as_steps() =>
        AssertCaught(Config(deploy: "requires: [build]\npre-steps:\n  - run:\n      comand: echo hi"),
            Config(deploy: "requires: [build]\npre-steps:\n  - run:\n      command: echo hi"), "workflows.main.jobs[1].deploy.pre-steps[0].run.comand", "run");

    private const string Lint = "lint:\n  docker: [{image: cimg/base:current}]\n  steps: [checkout]";
}
