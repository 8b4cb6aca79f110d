using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>
/// A throwaway repository root (a Dockerfile is all PipelineSettings needs) and settings resolved in it as a run
/// resolves them: SettingsResolver, then PipelineSettings, from the given environment and command line.
/// </summary>
public sealed class TestRepository : IDisposable
{
    public const string Sha = "0123456789abcdef0123456789abcdef01234567";

    public string Root { get; } = Directory.CreateTempSubdirectory("pipeline-settings-").FullName;

    public TestRepository()
    {
        Directory.CreateDirectory(Path.Combine(Root, "docker"));
        File.WriteAllText(Path.Combine(Root, "docker", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public PipelineSettings Resolve(IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string>? commandLine = null)
    {
        var values = SettingsResolver.Resolve(commandLine ?? new Dictionary<string, string>(), environment.GetValueOrDefault, null);
        return PipelineSettings.From(values, Root, environment.GetValueOrDefault, args => args.Contains("--abbrev-ref") ? "develop" : Sha);
    }
}
