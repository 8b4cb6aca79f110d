using Pipeline.Config;
using Pipeline.Registry;
using Pipeline.Staging;
using Pipeline.Tests.Config;

namespace Pipeline.Tests.Staging;

/// <summary>
/// Property: for every setting that reaches a remote command, a hostile value is either refused (a
/// PipelineException while the settings resolve, before any remote call) or arrives on the host as exactly the
/// words intended. Each value carries a command substitution that would create a marker file; the exact lines the
/// pipeline would send are run through a real sh (printing their argv instead of running them), and the marker
/// must never appear. A refusal must never repeat the value.
/// </summary>
public sealed class HostileSettingsPropertyTests : IDisposable
{
    private const string RunId = "run-1";

    private readonly TestRepository _repository = new();
    private readonly string _marker = $"/tmp/pwned-{Guid.NewGuid():N}";

    public void Dispose()
    {
        _repository.Dispose();
        File.Delete(_marker);
    }

    /// <summary>The settings whose values end up in a remote line, an ssh argument or a hook, with a value that passes.</summary>
    private static readonly (string Variable, string Valid)[] Targets =
    [
        ("STAGING_CONTAINER", "sample-app"),
        ("IMAGE_TAG", "v1"),
        ("STAGING_NETWORK", "staging"),
        ("STAGING_ENV_FILE", "~/sample-app.env"),
        ("HEALTH_INTERVAL", "1s"),
        ("AWS_ECR_REPO", "sample-app"),
        ("AWS_ECR_URL", "registry.example.com"),
        ("STAGING_PROXY_IMAGE", "nginx:1.27"),
        ("STAGING_HOSTS", "web-1=deploy@10.0.0.5"),
        ("REGISTRY_USER", "deploy"),
        ("STAGING_TAG_PREFIX", "develop"),
        ("PIPELINE_BRANCH", "feature/x"),
        ("STAGING_SSH_KEY", "/keys/id_ed25519"),
        ("STAGING_KNOWN_HOSTS", "/keys/known_hosts"),
        ("APP_PORT", "3000"),
        ("PIPELINE_SHA", TestRepository.Sha),
    ];

    private static readonly string[] Fragments =
    [
        "\n", "\r", "\0", "\t", "\r\n", "\u000b", "\u001b[31m", "\u007f", "\u0085", "'", "\"", "''\\''", ";", "|", "&", "&&",
        "-", "--", "-oProxyCommand=x", "*", "?", "[a]", "~", "~/", "~root/", " ", "  ", "\\", "\\n", "$HOME", "${IFS}", "$", "#", "!",
        "<", ">", "..", "../", "/", ",", "=", ":", "@", "{host}", "%s", "\u202e", "\u200b", "\u2028", "\ufeff", "😀", "é", "中文",
    ];

    private IEnumerable<string> HostileValues(string valid, int seed)
    {
        string Payload(int i) => i % 2 == 0 ? $"$(touch {_marker})" : $"`touch {_marker}`";
        for (var i = 0; i < Fragments.Length; i++)
        {
            var f = Fragments[i];
            var p = Payload(i);
            yield return valid + f + p;
            yield return f + valid + p;
            yield return p + f + valid;
            yield return valid + p + f;
        }
        yield return valid + new string('a', 10_000) + Payload(0);
        yield return valid + string.Concat(Enumerable.Repeat("😀", 300)) + Payload(1);
        var random = new Random(seed);
        var alphabet = string.Concat(Fragments) + "abcXYZ019_.";
        for (var i = 0; i < 40; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(1, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var at = random.Next(text.Length + 1);
            yield return text[..at] + Payload(i) + text[at..];
        }
    }

    private (PipelineSettings Pipeline, StagingSettings Staging) Resolve(string variable, string value)
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_ECR_URL"] = "registry.example.com",
            ["STAGING_HOSTS"] = "web-1=deploy@10.0.0.5",
            ["REGISTRY_USER"] = "deploy",
            ["REGISTRY_PASSWORD"] = "hostile-test-password-1",
            ["STAGING_SSH_KEY"] = "/keys/id_ed25519",
            ["STAGING_KNOWN_HOSTS"] = "/keys/known_hosts",
            ["PIPELINE_SANDBOX"] = "off",
        };
        if (variable == "PIPELINE_BRANCH") env["STAGING_TAG_PREFIX"] = TagPolicy.BranchPlaceholder;
        env[variable] = value;
        var pipeline = _repository.Resolve(env);
        return (pipeline, StagingSettings.From(pipeline));
    }

    /// <summary>Every remote line (and the local ssh and hook lines) the run would build, each with the argv it means.</summary>
    private static IEnumerable<(string Line, IReadOnlyList<string> Intended)> Lines(PipelineSettings pipeline, StagingSettings settings)
    {
        var host = settings.Hosts[0];
        var commands = new AppCommands(settings);
        var candidate = commands.ContainerFor(settings.Version);
        var holder = LockHolder.ForThisRun("DeployStaging", settings.Version, RunId, DateTimeOffset.UnixEpoch);
        RemoteCommand[] remote =
        [
            commands.AppPortHolders(host), commands.LoginAndPull(RegistryLogin.For(pipeline)), commands.LoginAndPull(null),
            commands.State(), commands.RemoveContainer(candidate), commands.Run(host, settings.Version, RunId), commands.Health(candidate),
            commands.Logs(candidate), commands.Start(candidate), commands.Stop(candidate), commands.RunProxy(host), commands.StartProxy(),
            commands.Switch(candidate), commands.Prune(candidate, candidate),
            DeployLock.AcquireCommand(settings.Container, holder), DeployLock.ReleaseCommand(settings.Container, RunId),
            DeployLock.ShowCommand(settings.Container), DeployLock.BreakCommand(settings.Container),
        ];
        var envFile = settings.EnvFileFor(host);
        foreach (var command in remote)
        {
            // Only the env file is meant to be home-relative: its ~/ is the remote user's home.
            var intended = command.Argv.Select(w => w == envFile && w.StartsWith("~/", StringComparison.Ordinal) ? PosixArgv.Home + w[1..] : w).ToList();
            yield return (command.Line, intended);
        }
        yield return (HostHooks.Render("hook {host}", host), ["hook", host.Name]);
    }

    [Fact]
    public void Every_hostile_value_is_refused_or_arrives_as_exactly_the_intended_words()
    {
        int tried = 0, refused = 0, accepted = 0, lines = 0;
        var echoed = new List<string>();
        var mismatches = new List<string>();
        for (var t = 0; t < Targets.Length; t++)
        {
            var (variable, valid) = Targets[t];
            foreach (var value in HostileValues(valid, seed: 1000 + t))
            {
                tried++;
                PipelineSettings pipeline;
                StagingSettings settings;
                try
                {
                    (pipeline, settings) = Resolve(variable, value);
                }
                catch (PipelineException refusal)
                {
                    refused++;
                    if (new[] { refusal.Message, refusal.Fix, refusal.Detail ?? "" }.Any(part => part.Contains(value, StringComparison.Ordinal)))
                        echoed.Add($"{variable}: {ValueText.Escape(value)} -> {refusal.Message}");
                    continue;
                }
                accepted++;
                // The dry run renders every command too; it must not fail on a value the settings let through.
                _ = new StagingPlan(settings, RunId).DescribeDeploy(pipeline).ToList();
                var built = Lines(pipeline, settings).ToList();
                var words = PosixArgv.Words(built.Select(b => b.Line).ToList());
                lines += built.Count;
                for (var i = 0; i < built.Count; i++)
                    if (!built[i].Intended.SequenceEqual(words[i]))
                        mismatches.Add($"{variable}={ValueText.Escape(value)}: intended [{string.Join(" | ", built[i].Intended.Select(ValueText.Escape))}], the shell read [{string.Join(" | ", words[i].Select(ValueText.Escape))}]");
            }
        }
        var executed = File.Exists(_marker) ? 1 : 0;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{tried} hostile values over {Targets.Length} settings: {refused} refused while resolving (before any remote call), " +
            $"{accepted} accepted, whose {lines} lines the shell read back as intended except {mismatches.Count}; {executed} executed, {echoed.Count} echoed");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} lines were not read as intended:\n" + string.Join("\n", mismatches.Take(20)));
        Assert.True(echoed.Count == 0, $"{echoed.Count} refusals repeated the value:\n" + string.Join("\n", echoed.Take(20)));
        Assert.Equal(0, executed);
        Assert.True(tried > 3000, $"only {tried} values were tried");
        Assert.True(accepted > 0 && refused > 0, "the property needs both refused and accepted values to mean anything");
    }
}
