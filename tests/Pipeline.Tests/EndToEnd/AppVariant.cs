namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A copy of the app's build context with one file replaced: a broken or slow version of the app, built by the
/// real Dockerfile, for deploys that must fail or take their time.
/// </summary>
public sealed class AppVariant : IDisposable
{
    public AppVariant(string relativePath, string content)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("app-variant-").FullName;
        Copy(Path.Combine(BuildScript.RepositoryRoot, "src"), Path.Combine(Directory, "src"));
        Copy(Path.Combine(BuildScript.RepositoryRoot, "docker"), Path.Combine(Directory, "docker"));
        File.Copy(Path.Combine(BuildScript.RepositoryRoot, ".dockerignore"), Path.Combine(Directory, ".dockerignore"));
        File.WriteAllText(Path.Combine(Directory, relativePath), content);
    }

    public string Directory { get; }

    /// <summary>An app that dies at start, as a bad release does.</summary>
    public static AppVariant Crashing() =>
        new("src/server.js", "console.error('fatal: cannot read configuration, exiting'); process.exit(3);\n");

    /// <summary>The real app, started only after a delay, as one that warms a cache first.</summary>
    public static AppVariant SlowStarting(int seconds) =>
        new AppVariant("src/server.js", $"console.log('warming up for {seconds} s');\nsetTimeout(() => require('./app-server.js'), {seconds * 1000});\n")
            .With("src/app-server.js", File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "src", "server.js")));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>Adds a file of random bytes: a layer no registry has yet, and that takes its time to push.</summary>
    public AppVariant WithRandom(string relativePath, int bytes)
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        File.WriteAllBytes(Path.Combine(Directory, relativePath), data);
        return this;
    }

    private AppVariant With(string relativePath, string content)
    {
        File.WriteAllText(Path.Combine(Directory, relativePath), content);
        return this;
    }

    private static void Copy(string from, string to)
    {
        foreach (var dir in System.IO.Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            if (!dir.Contains("node_modules")) System.IO.Directory.CreateDirectory(dir.Replace(from, to));
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            if (!file.Contains("node_modules")) File.Copy(file, file.Replace(from, to));
    }
}
