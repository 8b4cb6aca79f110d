using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

public static partial class CircleCiRules
{
    // configuration-reference#requires: the statuses a `requires` item may wait for; the reference names success,
    // failed and canceled, the schema adds not_run, unauthorized and terminal.
    private static readonly HashSet<string> RequiredStatuses = ["success", "failed", "canceled", "not_run", "unauthorized", "terminal"];

    private sealed partial class Checker
    {
        /// <summary>A job's entry in a workflow: the job it runs and the entry's own map (null for `- test`).</summary>
        private sealed record Entry(string Path, string Job, YamlMappingNode? Body);

        private void Workflows()
        {
            if (Child(root, "workflows") is not { } node) return;
            if (node is not YamlMappingNode)
            {
                Error("workflows", "workflows", "workflows must map workflow names to workflows");
                return;
            }
            foreach (var (name, workflow) in Pairs(node))
                if (name != "version") // #workflow-version: only needed by config 2.0, still allowed.
                    Workflow($"workflows.{name}", workflow);
        }

        private void Workflow(string path, YamlNode node)
        {
            if (!IsMapAt(node, path, "workflowname", "a workflow map")) return;
            var workflow = (YamlMappingNode)node;
            AllowOnly(workflow, path, "workflowname", ["jobs", "triggers", "when", "unless", "max_auto_reruns"]);
            if (Child(workflow, "max_auto_reruns") is { } reruns && !(int.TryParse(Text(reruns), out var n) && n is >= 1 and <= 5))
                Error($"{path}.max_auto_reruns", "workflowname", "max_auto_reruns must be an integer from 1 to 5");
            foreach (var key in new[] { "when", "unless" })
                // #logic-statements: "When using logic statements at the workflow level, do not include the condition: key".
                if (Child(workflow, key) is YamlMappingNode logic && Child(logic, "condition") is not null)
                    Error($"{path}.{key}.condition", "logic-statements", "a workflow's when/unless takes the logic statement itself, without condition:");
            if (Child(workflow, "triggers") is { } triggers) Triggers(triggers, $"{path}.triggers");

            if (Child(workflow, "jobs") is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Error($"{path}.jobs", "jobs-in-workflow", "a workflow needs a non-empty list of jobs");
                return;
            }
            var entries = list.Children.Select((item, i) => ParseEntry(item, $"{path}.jobs[{i}]")).OfType<Entry>().ToList();
            // The names `requires` can use: an entry's `name`, else its matrix alias, else the job's own name.
            var names = entries.Select(e => Text(Child(e.Body, "name")) ?? Text(Child(Child(e.Body, "matrix"), "alias")) ?? e.Job).ToHashSet();
            foreach (var entry in entries) WorkflowEntry(entry, path, names);
        }

        private Entry? ParseEntry(YamlNode item, string path)
        {
            switch (item)
            {
                case YamlScalarNode scalar:
                    return new Entry(path, scalar.Value ?? "", null);
                case YamlMappingNode { Children.Count: 1 } map:
                    var (key, value) = map.Children.Single();
                    var job = Name(key);
                    if (value is YamlMappingNode body) return new Entry($"{path}.{job}", job, body);
                    if (value is YamlScalarNode { Value: null or "" }) return new Entry($"{path}.{job}", job, null);
                    Error($"{path}.{job}", "job-name-in-workflow", "a workflow job entry's value must be a map of its keys");
                    return null;
                case YamlMappingNode map:
                    // The classic slip: the entry's keys written at the job name's indent become keys of the item.
                    Error(path, "job-name-in-workflow",
                        $"a workflow job entry is a map with one key, the job's name; found {Listed(Pairs(map).Select(p => p.Key))} (indent the entry's keys under the job name)");
                    return null;
                default:
                    Error(path, "job-name-in-workflow", "a workflow job entry must be a job name or a map from the job name to its keys");
                    return null;
            }
        }

        private void WorkflowEntry(Entry entry, string workflowPath, HashSet<string> names)
        {
            var body = entry.Body;
            var type = Text(Child(body, "type"));
            // #type: "Only approval type jobs can have their type configured under workflows."
            if (type is not null && type != "approval")
                Error($"{entry.Path}.type", "type", $"a workflow entry's type can only be approval (found `{type}`)");
            var approval = type == "approval";
            var orbJob = IsOrbReference(entry.Job);
            jobs.TryGetValue(entry.Job, out var definition);
            // #job-name-in-workflow: "A job name that exists in your config.yml"; #type: an approval entry needs no job.
            if (!approval && definition is null && !orbJob && !jobGroups.Contains(entry.Job))
                Error(entry.Path, "job-name-in-workflow", $"`{entry.Job}` is not defined under jobs (nor an orb's job, nor an approval entry)");
            if (body is null)
            {
                MissingArguments(entry, definition);
                return;
            }

            var declared = Pairs(Child(definition, "parameters")).Select(p => p.Key).ToHashSet();
            foreach (var (key, _) in Pairs(body))
            {
                if (WorkflowEntryKeys.ContainsKey(key) || declared.Contains(key) || orbJob) continue;
                if (JobKeys.Contains(key))
                    Error($"{entry.Path}.{key}", "job-name", $"`{key}` is a job definition key: put it under jobs.{entry.Job}");
                else
                    Error($"{entry.Path}.{key}", "jobs-in-workflow",
                        $"`{key}` is neither a workflow job key ({string.Join(", ", WorkflowEntryKeys.Keys)}) nor a parameter `{entry.Job}` declares");
            }

            if (Child(body, "requires") is { } requires) Requires(requires, $"{entry.Path}.requires", workflowPath, names);
            if (Child(body, "name") is { } name && name is not YamlScalarNode)
                Error($"{entry.Path}.name", "name", "name must be a string");
            if (Child(body, "context") is { } context && !IsStringOrList(context))
                Error($"{entry.Path}.context", "context", "context must be a context name or a list of them");
            if (Child(body, "filters") is { } filters) Filters(filters, $"{entry.Path}.filters");
            if (Child(body, "matrix") is { } matrix) Matrix(matrix, $"{entry.Path}.matrix", definition, orbJob);
            if (Child(body, "serial-group") is { } group) SerialGroup(group, $"{entry.Path}.serial-group");
            if (Child(body, "override-with") is { } overrideWith && overrideWith is not YamlScalarNode)
                Error($"{entry.Path}.override-with", "override-with", "override-with must name an orb job");
            foreach (var key in new[] { "pre-steps", "post-steps" })
                if (Child(body, key) is { } steps) Steps(steps, $"{entry.Path}.{key}", onMachine: definition is not null && Child(definition, "machine") is not null);
            MissingArguments(entry, definition);
        }

        /// <summary>#parameters-job: a parameter with no default must be given by every entry that runs the job.</summary>
        private void MissingArguments(Entry entry, YamlMappingNode? definition)
        {
            var given = Pairs(entry.Body).Select(p => p.Key).Concat(Pairs(Child(Child(entry.Body, "matrix"), "parameters")).Select(p => p.Key)).ToHashSet();
            foreach (var (parameter, spec) in Pairs(Child(definition, "parameters")))
                if (Child(spec, "default") is null && !given.Contains(parameter))
                    Error(entry.Path, "parameters-job", $"`{entry.Job}` declares parameter `{parameter}` without a default, and this entry does not give it");
        }

        private void Requires(YamlNode node, string path, string workflowPath, HashSet<string> names)
        {
            if (node is not YamlSequenceNode list)
            {
                Error(path, "requires", "requires must be a list of job names");
                return;
            }
            for (var i = 0; i < list.Children.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                string? required = null;
                if (list.Children[i] is YamlScalarNode scalar)
                    required = scalar.Value;
                else if (list.Children[i] is YamlMappingNode { Children.Count: 1 } map)
                {
                    var (key, status) = map.Children.Single();
                    required = Name(key);
                    var statuses = status is YamlSequenceNode s ? s.Children.Select(Text).ToList() : [Text(status)];
                    foreach (var bad in statuses.Where(st => st is null || !RequiredStatuses.Contains(st)))
                        Error(itemPath, "requires", $"`{bad}` is not a job status (allowed: {string.Join(", ", RequiredStatuses)})");
                }
                else
                    Error(itemPath, "requires", "a requires item is a job name, or a map from a job name to a status or list of statuses");
                // Names built from parameters or matrix values are only known once CircleCI compiles the config.
                if (required is not null && !required.Contains("<<") && !names.Contains(required))
                    Error(itemPath, "requires", $"`{required}` is not a job of {workflowPath}");
            }
        }

        private void Filters(YamlNode node, string path)
        {
            if (node is YamlScalarNode) return; // #jobfilters: an expression-based filter is a string.
            if (!IsMapAt(node, path, "jobfilters", "a map of branches/tags, or an expression string")) return;
            AllowOnly((YamlMappingNode)node, path, "jobfilters", ["branches", "tags"]);
            foreach (var key in new[] { "branches", "tags" })
                if (Child(node, key) is { } filter) OnlyIgnore(filter, $"{path}.{key}", key);
        }

        /// <summary>#branches / #tags: a map with only and/or ignore, each a pattern or a list of patterns.</summary>
        private void OnlyIgnore(YamlNode node, string path, string section)
        {
            if (!IsMapAt(node, path, section, "a map with only and/or ignore")) return;
            AllowOnly((YamlMappingNode)node, path, section, ["only", "ignore"]);
            foreach (var (key, value) in Pairs(node))
                if (!IsStringOrList(value))
                    Error($"{path}.{key}", section, $"{key} must be a pattern or a list of patterns");
        }

        private void Matrix(YamlNode node, string path, YamlMappingNode? definition, bool orbJob)
        {
            if (!IsMapAt(node, path, "matrix", "a map with parameters")) return;
            AllowOnly((YamlMappingNode)node, path, "matrix", ["parameters", "exclude", "alias"]);
            if (Child(node, "parameters") is not YamlMappingNode parameters)
            {
                Error(path, "matrix", "a matrix needs a map of parameters to their values");
                return;
            }
            // #matrix: "In order to use the matrix stanza, you must use parameterized jobs."
            var declared = Pairs(Child(definition, "parameters")).Select(p => p.Key).ToHashSet();
            foreach (var (name, values) in Pairs(parameters))
            {
                if (values is not YamlSequenceNode)
                    Error($"{path}.parameters.{name}", "matrix", "a matrix parameter maps to the list of its values");
                if (definition is not null && !orbJob && !declared.Contains(name))
                    Error($"{path}.parameters.{name}", "matrix", $"`{name}` is not a parameter the job declares");
            }
            if (Child(node, "exclude") is { } exclude && exclude is not YamlSequenceNode)
                Error($"{path}.exclude", "matrix", "exclude must be a list of argument maps");
            if (Child(node, "alias") is { } alias && alias is not YamlScalarNode)
                Error($"{path}.alias", "matrix", "alias must be a string");
        }

        /// <summary>
        /// #serial-group: not blank, at most 512 characters once compiled, made of alphanumerics and . - _ /; pipeline
        /// values and parameters (&lt;&lt; ... &gt;&gt;) are allowed and only their literal text is checked here.
        /// </summary>
        private void SerialGroup(YamlNode node, string path)
        {
            var value = Text(node);
            var literal = value is null ? "" : Regex.Replace(value, @"<<[^>]*>>", "");
            if (string.IsNullOrWhiteSpace(value))
                Error(path, "serial-group", "serial-group must not be blank");
            else if (!Regex.IsMatch(literal, @"^[A-Za-z0-9._/-]*$"))
                Error(path, "serial-group", $"serial-group `{value}` may hold only alphanumerics and . - _ / (besides << >> values)");
            else if (literal.Length > 512)
                Error(path, "serial-group", "serial-group must be at most 512 characters");
        }

        private void Triggers(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode list)
            {
                Error(path, "triggers", "triggers must be a list");
                return;
            }
            for (var i = 0; i < list.Children.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                if (!IsMapAt(list.Children[i], itemPath, "triggers", "a map with schedule")) continue;
                AllowOnly((YamlMappingNode)list.Children[i], itemPath, "triggers", ["schedule"]);
                if (Child(list.Children[i], "schedule") is not YamlMappingNode schedule)
                {
                    Error(itemPath, "schedule", "a trigger needs a schedule map");
                    continue;
                }
                AllowOnly(schedule, $"{itemPath}.schedule", "schedule", ["cron", "filters"]);
                RequireKey(schedule, $"{itemPath}.schedule", "cron", "cron");
                // #filters under a schedule: required, and with branches only (#schedule-branches).
                if (Child(schedule, "filters") is YamlMappingNode filters)
                {
                    AllowOnly(filters, $"{itemPath}.schedule.filters", "filters", ["branches"]);
                    if (Child(filters, "branches") is { } branches) OnlyIgnore(branches, $"{itemPath}.schedule.filters.branches", "schedule-branches");
                    else Error($"{itemPath}.schedule.filters", "schedule-branches", "schedule filters need branches");
                }
                else
                    Error($"{itemPath}.schedule", "filters", "a schedule needs filters with branches");
            }
        }
    }
}
