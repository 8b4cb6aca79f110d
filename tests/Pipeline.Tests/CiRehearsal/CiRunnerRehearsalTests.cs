using System.Text.Json.Nodes;
using System.Xml.Linq;
using Pipeline.Ci;
using Pipeline.Tests.EndToEnd;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// The generated CI files, run as the CI services would run them: every job's steps in order, parsed from the
/// committed files (nothing retyped), as an unprivileged runner account with a fresh HOME and checkout per job,
/// the services' variables, and the hand-off between jobs done by copying. The test job must need no root and no
/// sandbox, and the deploy jobs must deploy the very image the test job tested, by image ID.
/// </summary>
[Collection(BuildScriptCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CiRunnerRehearsalTests : IAsyncLifetime
{
    private readonly RehearsalWorld _world = new();
    private readonly DanglingImages _dangling = new();

    public ValueTask InitializeAsync() => new(_world.PrepareAsync());

    public async ValueTask DisposeAsync()
    {
        await _world.DisposeAsync();
        _dangling.RemoveNew();
    }

    private static YamlMappingNode Committed(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, relative))));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    [Fact]
    public async Task GitHub_a_push_to_develop_tests_on_the_pinned_images_and_deploys_that_image_to_staging()
    {
        await using var site = await RehearsalSite.CreateAsync();
        var facts = new RunnerFacts("develop", _world.Variables(withRole: true), _world.Secrets(), _world.AwsCredentials(), RehearsalWorld.Machine());
        var runner = new GitHubJobRunner(site, Committed(GitHubActionsConfig.Path), facts);
        try
        {
            var test = await runner.RunAsync("test");
            Assert.True(test.Succeeded, test.Text);
            AssertTestedOffTheSandbox(test, "GITHUB_ACTIONS=true");
            Assert.Contains(test.StepSummaries, s => s.Contains("| Test | succeeded |") && s.Contains("tests: Passed: "));
            var testedImage = TestedImageId(site.Artifacts[GitHubActionsConfig.ArtifactName]);

            // Production is for main branches only: its job does not run on develop.
            Assert.True((await runner.RunAsync("deploy-production")).Skipped);

            await RemoveImagesOfAsync(site.Sha); // the deploy job's machine is another one
            var staging = await runner.RunAsync("deploy-staging");
            Assert.True(staging.Succeeded, staging.Text);
            Assert.Contains("target:    no sandbox, because AWS_ECR_URL names a registry", staging.BuildOutputs.Single());
            Assert.Contains("loaded the tested image", staging.BuildOutputs.Single());
            var tag = "develop-" + site.Sha[..7];
            Assert.Equal(testedImage, await _world.RegistryImageIdAsync("sample-app", tag));
            Assert.All(await _world.StagingImagesAsync("sample-app-" + tag), host =>
            {
                Assert.Equal(testedImage, host.ImageId);
                Assert.Equal("true", host.Running);
            });
            AssertNoSecretShown(facts, test, staging);
        }
        finally
        {
            await RemoveImagesOfAsync(site.Sha);
        }
    }

    [Fact]
    public async Task CircleCI_a_push_to_main_tests_on_the_pinned_images_and_deploys_that_image_to_production_after_approval()
    {
        await using var site = await RehearsalSite.CreateAsync();
        var context = _world.Variables(withRole: false);
        foreach (var (name, value) in _world.AwsCredentials()) context[name] = value;
        var facts = new RunnerFacts("main", context, _world.Secrets(), new Dictionary<string, string>(), RehearsalWorld.Machine());
        var config = Committed(CircleCiConfig.Path);
        var runner = new CircleCiJobRunner(site, config, facts);
        var productionService = new SandboxProductionService();
        await productionService.RememberAsync();
        try
        {
            var entries = WorkflowEntries(config);
            var order = new List<string>();
            var logs = new Dictionary<string, JobLog>();
            foreach (var (name, entry) in entries)
            {
                if (!BranchAllowed(entry, "main")) continue;
                Assert.All(Requires(entry), required => Assert.True(logs.TryGetValue(required, out var done) && done.Succeeded, $"{name} requires {required}"));
                order.Add(name);
                if (GitHubJobRunner.Text(entry, "type") == "approval")
                {
                    logs[name] = new JobLog(name); // approved at once
                    continue;
                }
                if (name != "test") await RemoveImagesOfAsync(site.Sha); // each job's machine is another one
                logs[name] = await runner.RunAsync(name, GitHubJobRunner.Text(entry, "context"));
                Assert.True(logs[name].Succeeded, logs[name].Text);
            }
            Assert.Equal(["test", "approve-production", "deploy-production"], order);

            var test = logs["test"];
            AssertTestedOffTheSandbox(test, "CIRCLECI=true");
            var junit = XDocument.Parse(Assert.Single(test.StoredTestResults));
            Assert.True((int)junit.Root!.Attribute("tests")! > 0);
            Assert.Equal("0", (string)junit.Root!.Attribute("failures")!);
            var testedImage = TestedImageId(site.Workspace!);

            var production = logs["deploy-production"];
            Assert.Contains("loaded the tested image", production.BuildOutputs.Single());
            Assert.Contains("COMPLETED", production.BuildOutputs.Single());
            var service = (await SandboxAwsCli.RunAsync("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!;
            var definition = (await SandboxAwsCli.RunAsync("ecs", "describe-task-definition", "--task-definition", (string)service["taskDefinition"]!))["taskDefinition"]!;
            var image = (string)definition["containerDefinitions"]!.AsArray().Single(c => (string?)c!["name"] == "app")!["image"]!;
            Assert.Equal($"{RehearsalWorld.Registry}/sample-app:master-{site.Sha[..7]}", image);
            Assert.Equal(testedImage, await _world.RegistryImageIdAsync("sample-app", "master-" + site.Sha[..7]));
            AssertNoSecretShown(facts, test, production);
        }
        finally
        {
            await productionService.RestoreAsync();
            await RemoveImagesOfAsync(site.Sha);
        }
    }

    // The test job ran as the runner account, off the sandbox, on the pinned public names, and left no sandbox state.
    private void AssertTestedOffTheSandbox(JobLog test, string because)
    {
        var output = test.BuildOutputs.Single();
        Assert.Contains($"target:    no sandbox, because {because}", output);
        foreach (var pinned in _world.PinnedImages.Keys) Assert.Contains(pinned, output);
        Assert.DoesNotContain("==> Sandbox:", output);
        Assert.DoesNotContain("127.0.0.1:5000/sandbox/", output);
        Assert.Matches(@"tests: Passed: [1-9]\d*, Failed: 0", output);
    }

    // The archive's manifest: the image ID it holds, tested off the sandbox on the pinned names.
    private string TestedImageId(string archive)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Assert.Single(Directory.GetFiles(archive, "*.json"))))!;
        var tested = manifest["testedWith"]!;
        Assert.False((bool)tested["sandbox"]!);
        Assert.Equal(_world.PinnedImages.Keys.Order(), tested["images"]!.AsArray().Select(i => (string)i!["reference"]!).Order());
        return (string)manifest["imageId"]!;
    }

    private static void AssertNoSecretShown(RunnerFacts facts, params JobLog[] logs)
    {
        var keyLines = facts.Secrets["STAGING_SSH_PRIVATE_KEY"].Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----")).ToList();
        Assert.NotEmpty(keyLines);
        foreach (var log in logs)
        foreach (var line in keyLines)
            Assert.DoesNotContain(line, log.Text);
    }

    private static List<(string Name, YamlMappingNode Entry)> WorkflowEntries(YamlMappingNode config) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)config["workflows"])["pipeline"])["jobs"]).Children
            .Select(node => node is YamlScalarNode bare
                ? (bare.Value!, new YamlMappingNode())
                : (((YamlScalarNode)((YamlMappingNode)node).Children.Keys.Single()).Value!, (YamlMappingNode)((YamlMappingNode)node).Children.Values.Single()))
            .ToList();

    private static bool BranchAllowed(YamlMappingNode entry, string branch) =>
        GitHubJobRunner.Child(entry, "filters") is not YamlMappingNode filters
        || ((YamlSequenceNode)((YamlMappingNode)filters["branches"])["only"]).Children.Any(b => ((YamlScalarNode)b).Value == branch);

    private static IEnumerable<string> Requires(YamlMappingNode entry) =>
        GitHubJobRunner.Child(entry, "requires") is YamlSequenceNode requires ? requires.Children.Select(r => ((YamlScalarNode)r).Value!) : [];

    // The app images this rehearsal's commit built. A production task of the rehearsal's revision may still be
    // stopping after the service went back, and holds its image until it has: removal is tried again meanwhile
    // (bounded), so the image does not outlive the test.
    private async Task RemoveImagesOfAsync(string sha)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var left = await _world.Engine.Images.ListByLabelAsync($"org.opencontainers.image.revision={sha}", default);
            if (left.Count == 0) return;
            foreach (var image in left)
            {
                try
                {
                    await _world.Engine.Images.RemoveAsync(image.Id, force: true, default);
                }
                catch (Pipeline.Docker.DockerApiException)
                {
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
