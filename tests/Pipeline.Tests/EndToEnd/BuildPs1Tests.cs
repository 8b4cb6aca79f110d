namespace Pipeline.Tests.EndToEnd;

/// <summary>build.ps1 run by PowerShell itself, from a checkout copy.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed class BuildPs1Tests
{
    [Fact]
    public async Task A_checkout_under_a_bin_directory_rebuilds_the_library_after_a_source_change()
    {
        var pwsh = await PowerShellTool.PathAsync();
        using var copy = await BootstrapCopy.CreateAsync(Path.Combine("bin", "checkout"));
        copy.MakeLibraryStale();

        var (exitCode, output) = await copy.RunAsync(pwsh, ["-NoProfile", "-NonInteractive", "-File", "build.ps1", "--help"]);
        var (againExit, again) = await copy.RunAsync(pwsh, ["-NoProfile", "-NonInteractive", "-File", "build.ps1", "--help"]);

        Assert.True(exitCode == 0, output);
        Assert.Equal(1, BootstrapCopy.Builds([output]));
        Assert.Contains("Usage:", output);
        Assert.True(againExit == 0, again);
        Assert.Equal(0, BootstrapCopy.Builds([again])); // fresh now: bin/ and obj/ of the library itself are not sources
    }
}
