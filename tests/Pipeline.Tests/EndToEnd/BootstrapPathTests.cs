using System.Text.RegularExpressions;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// build.sh runs Cake's own assembly with exec, so that a stop signal sent to its pid reaches the pipeline. Where
/// it looks for that assembly must survive spaces in paths; falling back to `dotnet cake` still works, but puts a
/// parent process between the signal and the pipeline, so the test reads which one build.sh chose.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class BootstrapPathTests
{
    [Theory]
    [InlineData("HOME")]
    [InlineData("NUGET_PACKAGES")]
    public async Task Build_sh_runs_Cakes_own_assembly_when_the_packages_path_has_a_space(string variable)
    {
        using var copy = await BootstrapCopy.CreateAsync("repo copy");
        var home = Path.Combine(copy.Base, "home dir");
        var packages = variable == "HOME" ? Path.Combine(home, ".nuget", "packages") : Path.Combine(copy.Base, "nuget packages");
        Directory.CreateDirectory(packages);
        var cakeTool = Path.Combine(packages, "cake.tool");
        Directory.CreateSymbolicLink(cakeTool, Path.Combine(BootstrapCopy.MachinePackages, "cake.tool"));
        try
        {
            var (exitCode, output) = await copy.RunAsync("build.sh", ["Test", "--plan"], new Dictionary<string, string?>
            {
                ["HOME"] = variable == "HOME" ? home : null,
                ["NUGET_PACKAGES"] = variable == "HOME" ? null : packages,
                ["PIPELINE_BOOTSTRAP_TRACE"] = "1",
            });

            Assert.True(exitCode == 0, output);
            var ownAssembly = $@"build\.sh: runs dotnet {Regex.Escape(cakeTool)}/[0-9.]+/tools/net[0-9.]+/any/Cake\.dll build/build\.cake";
            Assert.True(Regex.IsMatch(output, ownAssembly), output);
            Assert.Contains("4. Test", output); // the pipeline got its arguments
        }
        finally
        {
            // Only the link goes, never the machine's Cake.Tool behind it.
            File.Delete(cakeTool);
        }
    }
}
