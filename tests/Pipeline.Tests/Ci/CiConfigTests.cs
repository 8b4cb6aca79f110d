using System.Text.RegularExpressions;
using Pipeline.Ci;
using Pipeline.Config;
using Pipeline.Tests.EndToEnd;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Ci;

/// <summary>The committed CI files are what GenerateCi makes now, they parse, and both CIs run the same calls.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed partial class CiConfigTests
{
    private static readonly string[] Files = [CircleCiConfig.Path, GitHubActionsConfig.Path];

    private static string Committed(string relative) => File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, relative));

    [Fact]
    public async Task The_committed_files_equal_what_GenerateCi_produces_now()
    {
        var output = Directory.CreateTempSubdirectory("generate-ci-").FullName;
        try
        {
            var (exitCode, log) = await BuildScript.RunAsync(["GenerateCi", "--ci-output", output]);
            Assert.True(exitCode == 0, log);
            foreach (var file in Files)
            {
                var fresh = File.ReadAllText(Path.Combine(output, file));
                var committed = Committed(file);
                Assert.True(fresh == committed,
                    $"{file} is stale: run ./build.sh GenerateCi and commit it. Difference (committed | generated):\n{Diff(committed, fresh)}");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Every_build_sh_call_names_existing_targets_and_parameters()
    {
        var targets = await DeclaredTargetsAsync();
        var calls = Files.SelectMany(file => Scalars(Parse(Committed(file))).Where(s => s.Contains("./build.sh"))).ToList();
        Assert.NotEmpty(calls);
        foreach (var call in calls)
        {
            var words = call[(call.IndexOf("./build.sh", StringComparison.Ordinal) + "./build.sh".Length)..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < words.Length; i++)
            {
                if (words[i].StartsWith("--"))
                {
                    var parameter = PipelineParameters.Find(words[i][2..].Split('=')[0]);
                    Assert.True(parameter is not null, $"'{call}' uses an unknown parameter {words[i]}");
                    if (parameter == PipelineParameters.Skip)
                        Assert.All(words[++i].Split(','), t => Assert.Contains(t, targets));
                }
                else
                {
                    Assert.Contains(words[i], targets);
                }
            }
        }
    }

    [Fact]
    public void Both_CIs_run_the_same_calls_in_the_same_jobs()
    {
        var circle = Parse(Committed(CircleCiConfig.Path));
        var github = Parse(Committed(GitHubActionsConfig.Path));
        var circleCalls = Jobs(circle).ToDictionary(j => j.Key, j => Steps(j.Value).Select(s => Child(s, "run") is YamlMappingNode run ? Text(run, "command") : null).Where(IsBuildCall).OfType<string>().ToList());
        var githubCalls = Jobs(github).ToDictionary(j => j.Key, j => Steps(j.Value).Select(s => Text(s, "run")).Where(IsBuildCall).OfType<string>().ToList());
        Assert.Equal(circleCalls.Keys.Order(), githubCalls.Keys.Order());
        foreach (var (job, calls) in circleCalls)
        {
            Assert.Single(calls);
            Assert.Equal(calls, githubCalls[job]);
        }
    }

    [Fact]
    public void Production_waits_for_approval_on_CircleCI_and_a_protected_environment_on_GitHub()
    {
        var workflowJobs = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Parse(Committed(CircleCiConfig.Path))["workflows"])["pipeline"])["jobs"];
        var entries = workflowJobs.Children.OfType<YamlMappingNode>().ToDictionary(m => ((YamlScalarNode)m.Children.Keys.Single()).Value!, m => (YamlMappingNode)m.Children.Values.Single());
        Assert.Equal("approval", Text(entries["approve-production"], "type"));
        Assert.Contains("approve-production", Scalars(entries["deploy-production"]["requires"]));
        Assert.Equal("aws-production", Text(entries["deploy-production"], "context"));

        var github = Jobs(Parse(Committed(GitHubActionsConfig.Path)));
        Assert.Equal("production", Text(github["deploy-production"], "environment"));
        Assert.Equal("write", Text((YamlMappingNode)github["deploy-production"]["permissions"], "id-token"));
        Assert.Equal("deploy-production", Text((YamlMappingNode)github["deploy-production"]["concurrency"], "group"));
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", Committed(GitHubActionsConfig.Path));
    }

    [Fact]
    public void Deploy_jobs_load_the_image_the_test_job_tested_instead_of_building_another()
    {
        var circle = Jobs(Parse(Committed(CircleCiConfig.Path)));
        var github = Jobs(Parse(Committed(GitHubActionsConfig.Path)));

        // Every run step gets the archive directory; the deploy calls keep DockerBuild (it loads) and skip Test.
        var circleRuns = circle.ToDictionary(j => j.Key, j => Steps(j.Value).Select(s => Child(s, "run")).OfType<YamlMappingNode>().Single(r => IsBuildCall(Text(r, "command"))));
        var githubRuns = github.ToDictionary(j => j.Key, j => Steps(j.Value).Single(s => IsBuildCall(Text(s, "run"))));
        foreach (var job in circle.Keys)
        {
            Assert.Equal(CiPlan.ArchiveDirectory, Text(Child(circleRuns[job], "environment")!, CiPlan.ArchiveVariable));
            Assert.Equal(CiPlan.ArchiveDirectory, Text(Child(githubRuns[job], "env")!, CiPlan.ArchiveVariable));
        }
        foreach (var job in new[] { "deploy-staging", "deploy-production" })
        {
            var skipped = Text(circleRuns[job], "command")!.Split("--skip ")[1].Split(',');
            Assert.Contains("Test", skipped);
            Assert.DoesNotContain("DockerBuild", skipped);
        }

        // The test job hands the directory over; each deploy job takes it before its run step.
        var persisted = Steps(circle["test"]).Select(s => Child(s, "persist_to_workspace")).OfType<YamlMappingNode>().Single();
        Assert.Equal(CiPlan.ArchiveDirectory, Text(persisted, "root"));
        var uploaded = Steps(github["test"]).Single(s => Text(s, "uses")?.StartsWith("actions/upload-artifact@") == true && Text(Child(s, "with")!, "name") == GitHubActionsConfig.ArtifactName);
        // A re-run of the test job replaces the artifact instead of failing on its name, and it outlives an approval
        // given days later (a production deploy waits for one).
        Assert.Equal("true", Text(Child(uploaded, "with")!, "overwrite"));
        Assert.True(int.Parse(Text(Child(uploaded, "with")!, "retention-days")!) >= 30);
        Assert.Equal(CiPlan.ArchiveDirectory, Text(Child(uploaded, "with")!, "path"));
        foreach (var job in new[] { "deploy-staging", "deploy-production" })
        {
            var circleSteps = Steps(circle[job]).ToList();
            var attach = circleSteps.FindIndex(s => Child(s, "attach_workspace") is not null);
            Assert.True(attach >= 0 && attach < circleSteps.FindIndex(s => Child(s, "run") is YamlMappingNode run && IsBuildCall(Text(run, "command"))), job);
            Assert.Equal(CiPlan.ArchiveDirectory, Text(Child(circleSteps[attach], "attach_workspace")!, "at"));

            var githubSteps = Steps(github[job]).ToList();
            var download = githubSteps.FindIndex(s => Text(s, "uses")?.StartsWith("actions/download-artifact@") == true);
            Assert.True(download >= 0 && download < githubSteps.FindIndex(s => IsBuildCall(Text(s, "run"))), job);
            Assert.Equal(Text(Child(uploaded, "with")!, "name"), Text(Child(githubSteps[download], "with")!, "name"));
            Assert.Equal(CiPlan.ArchiveDirectory, Text(Child(githubSteps[download], "with")!, "path"));
        }
    }

    private static bool IsBuildCall(string? command) => command?.StartsWith("./build.sh ", StringComparison.Ordinal) == true;

    private static async Task<HashSet<string>> DeclaredTargetsAsync()
    {
        var (exitCode, help) = await BuildScript.RunAsync(["--help"]);
        Assert.Equal(0, exitCode);
        var section = help[help.IndexOf("Targets", StringComparison.Ordinal)..help.IndexOf("Parameters", StringComparison.Ordinal)];
        return TargetLine().Matches(section).Select(m => m.Groups[1].Value).ToHashSet();
    }

    [GeneratedRegex(@"(?m)^  ([A-Z][A-Za-z]+)")]
    private static partial Regex TargetLine();

    private static YamlMappingNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static Dictionary<string, YamlMappingNode> Jobs(YamlMappingNode root) =>
        ((YamlMappingNode)root["jobs"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value);

    private static IEnumerable<YamlNode> Steps(YamlMappingNode job) => ((YamlSequenceNode)job["steps"]).Children;

    private static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode scalar => [scalar.Value ?? ""],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Scalars),
        YamlMappingNode map => map.Children.SelectMany(c => Scalars(c.Key).Concat(Scalars(c.Value))),
        _ => [],
    };

    private static string Diff(string committed, string generated)
    {
        var a = committed.Split('\n');
        var b = generated.Split('\n');
        return string.Join('\n', Enumerable.Range(0, Math.Max(a.Length, b.Length))
            .Where(i => a.ElementAtOrDefault(i) != b.ElementAtOrDefault(i))
            .Take(20)
            .Select(i => $"line {i + 1}: {a.ElementAtOrDefault(i) ?? "(none)"} | {b.ElementAtOrDefault(i) ?? "(none)"}"));
    }
}
