using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The untagged images a test's builds leave: the engine's legacy builder keeps each earlier stage of a
/// multi-stage Dockerfile (the app's "sources" stage) as an untagged image. A test that builds removes the ones
/// that appeared while it ran (collections run one after another, so they are its own).
/// </summary>
public sealed class DanglingImages
{
    private readonly HashSet<string> _before = List();

    public void RemoveNew()
    {
        foreach (var id in List().Except(_before))
        {
            using var rmi = Process.Start(new ProcessStartInfo("docker", ["rmi", id]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            rmi.WaitForExit(); // one still used by a container (a running production task) stays
        }
    }

    private static HashSet<string> List()
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", ["images", "--quiet", "--no-trunc", "--filter", "dangling=true"])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = docker.StandardOutput.ReadToEnd();
        docker.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }
}
