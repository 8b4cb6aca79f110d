using System.Diagnostics;

namespace Pipeline.Tests.Docker;

/// <summary>
/// A build context holding the host's dash (as /bin/sh), sleep, cat and getent (to resolve names the way a program
/// in the container would: glibc's built-in dns and files lookups, through the engine's resolver), and the
/// libraries ldd names.
/// </summary>
internal static class ShellImageContext
{
    private static readonly string[] Programs = ["/bin/dash", "/bin/sleep", "/bin/cat", "/usr/bin/getent"];

    public static string Create(string label)
    {
        var context = Directory.CreateTempSubdirectory("pipeline-shell-image-").FullName;
        var root = Path.Combine(context, "rootfs");
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        foreach (var program in Programs)
        {
            var name = program == "/bin/dash" ? "sh" : Path.GetFileName(program);
            Copy(program, Path.Combine(root, "bin", name));
            foreach (var library in SharedLibraries(program)) Copy(library, root + library);
        }
        File.WriteAllText(Path.Combine(context, "Dockerfile"),
            $"FROM scratch\nLABEL {label}\nCOPY rootfs/ /\nCMD [\"/bin/sh\"]\n");
        return context;
    }

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // File.Copy follows symlinks (/lib64/ld-linux... is one) and keeps the executable bits.
        File.Copy(source, target, overwrite: true);
    }

    private static IEnumerable<string> SharedLibraries(string program)
    {
        using var ldd = Process.Start(new ProcessStartInfo("ldd", program) { RedirectStandardOutput = true })!;
        var output = ldd.StandardOutput.ReadToEnd();
        ldd.WaitForExit();
        if (ldd.ExitCode != 0) throw new InvalidOperationException($"ldd {program} failed; the shell image needs it.");
        return output.Split('\n')
            .SelectMany(line => line.Split(' ', '\t'))
            .Where(word => word.StartsWith('/') && File.Exists(word))
            .Distinct();
    }
}
