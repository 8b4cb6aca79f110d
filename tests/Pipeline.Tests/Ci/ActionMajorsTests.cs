using System.Text.RegularExpressions;
using Pipeline.Ci;
using Pipeline.Tests.EndToEnd;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

/// <summary>
/// Every action the generated GitHub workflow uses is on its current major. A stale major keeps running until GitHub
/// drops what it runs on: the v4 majors target Node 20, which GitHub deprecated on its runners (forcing them onto
/// Node 24, then removing Node 20), so the table below is the one place to bump when a new major comes out.
/// </summary>
public sealed partial class ActionMajorsTests
{
    // The current major of each action, as of 2026-11.
    private static readonly Dictionary<string, int> CurrentMajors = new()
    {
        ["actions/checkout"] = 7,
        ["actions/cache"] = 6,
        ["actions/setup-dotnet"] = 6,
        ["actions/upload-artifact"] = 7,
        ["actions/download-artifact"] = 8,
        ["aws-actions/configure-aws-credentials"] = 6,
    };

    [Fact]
    public void Every_action_the_committed_workflow_uses_is_on_its_current_major()
    {
        var uses = Uses(File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, GitHubActionsConfig.Path)));
        Assert.NotEmpty(uses);
        var stale = uses.Select(Check).OfType<string>().Distinct().ToList();
        Assert.True(stale.Count == 0, $"{GitHubActionsConfig.Path}:\n{string.Join('\n', stale)}");
    }

    // The check passes the committed workflow once its majors are bumped, so a failure above is about majors only.
    [Fact]
    public void The_committed_workflow_with_its_majors_bumped_passes()
    {
        var bumped = UsesLine().Replace(File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, GitHubActionsConfig.Path)),
            m => CurrentMajors.TryGetValue(m.Groups["action"].Value, out var major) ? $"{m.Groups["lead"].Value}{m.Groups["action"].Value}@v{major}" : m.Value);
        var uses = Uses(bumped);
        Assert.NotEmpty(uses);
        Assert.All(uses, use => Assert.Null(Check(use)));
    }

    [Fact]
    public void A_stale_major_fails_naming_the_current_one()
    {
        Assert.Equal("actions/checkout@v4 is stale: use actions/checkout@v7 (v4 runs on Node 20)", Check("actions/checkout@v4"));
        Assert.Equal("actions/download-artifact@v6 is stale: use actions/download-artifact@v8 (an older major)", Check("actions/download-artifact@v6"));
        Assert.Null(Check("actions/checkout@v7"));
        Assert.Null(Check("aws-actions/configure-aws-credentials@v6.1.0"));
    }

    [Fact]
    public void An_action_missing_from_the_table_fails()
    {
        Assert.Equal("actions/setup-node@v6 is not in the table: add it to the table with its current major", Check("actions/setup-node@v6"));
        Assert.Equal("actions/checkout@8f4b7f84 is not a major tag: use actions/checkout@v7", Check("actions/checkout@8f4b7f84"));
    }

    /// <summary>Null when <paramref name="use"/> (a `uses:` value) is on its action's current major, else why not.</summary>
    private static string? Check(string use)
    {
        if (use.StartsWith("./") || use.StartsWith("docker://")) return null; // Local and container actions have no major.
        var at = use.LastIndexOf('@');
        var action = at < 0 ? use : use[..at];
        if (!CurrentMajors.TryGetValue(action, out var current))
            return $"{use} is not in the table: add it to the table with its current major";
        var version = MajorTag().Match(at < 0 ? "" : use[(at + 1)..]);
        if (!version.Success)
            return $"{use} is not a major tag: use {action}@v{current}";
        var major = int.Parse(version.Groups[1].Value);
        if (major >= current) return null;
        var why = major == 4 ? "v4 runs on Node 20" : major < 4 ? $"v{major} runs on Node 16 or older" : "an older major";
        return $"{use} is stale: use {action}@v{current} ({why})";
    }

    /// <summary>Every `uses:` value in the workflow: steps' actions and jobs' reusable workflows.</summary>
    private static List<string> Uses(string workflow)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(workflow));
        var jobs = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"];
        var uses = new List<string>();
        foreach (var job in jobs.Children.Values.OfType<YamlMappingNode>())
        {
            if (Value(job, "uses") is { } reusable) uses.Add(reusable);
            if (job.Children.TryGetValue(new YamlScalarNode("steps"), out var steps) && steps is YamlSequenceNode list)
                uses.AddRange(list.Children.Select(step => Value(step, "uses")).OfType<string>());
        }
        return uses;
    }

    private static string? Value(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    [GeneratedRegex(@"^v(\d+)(\.\d+){0,2}$")]
    private static partial Regex MajorTag();

    [GeneratedRegex(@"(?<lead>uses:\s*)(?<action>[\w.-]+/[\w.-]+)@[\w.-]+")]
    private static partial Regex UsesLine();
}
