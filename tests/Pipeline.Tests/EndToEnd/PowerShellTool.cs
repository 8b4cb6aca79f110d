namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// PowerShell 7.6.9 as a .NET tool (the NuGet copy here serves it; a later 7.x may want .NET 11), installed once
/// into a cache directory outside the repository, so build.ps1 is tested for real.
/// </summary>
public static class PowerShellTool
{
    public const string Version = "7.6.9";

    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>The path of pwsh, installing it first when the cache has none.</summary>
    public static Task<string> PathAsync() => Installed.Value;

    private static async Task<string> InstallAsync()
    {
        var directory = Path.Combine(
            System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache", "pipeline-tests", "pwsh-" + Version);
        var pwsh = Path.Combine(directory, "pwsh");
        if (File.Exists(pwsh)) return pwsh;
        var (exitCode, output) = await ScriptProcess.RunAsync("dotnet",
            ["tool", "install", "--tool-path", directory, "PowerShell", "--version", Version], "/",
            new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0 && File.Exists(pwsh), $"Installing PowerShell {Version} as a .NET tool failed:\n{output}");
        return pwsh;
    }
}
