using System.Text;

namespace Pipeline.Tests.EndToEnd;

/// <summary>A whole run with known secrets set: none of them appears in what it printed or in any file it wrote.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed class SecretsTests : IAsyncLifetime
{
    private readonly BuiltImages _images = new("e2e-secrets-");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _images.DisposeAsync();

    private static readonly string SandboxDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipeline-sandbox");

    // Files whose whole purpose is to hold a secret (the sandbox's own), written by sandbox/up.sh, not by a run.
    private static readonly string[] SecretStores = ["registry/password", "registry/htpasswd", "aws/credentials"];

    [Fact]
    public async Task A_whole_run_prints_and_writes_none_of_its_secrets()
    {
        var registryPassword = File.ReadAllText(Path.Combine(SandboxDir, "registry", "password")).Trim();
        var awsSecret = File.ReadAllLines(Path.Combine(SandboxDir, "aws", "credentials"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2 && p[0].Trim() == "aws_secret_access_key").Select(p => p[1].Trim()).First();
        const string unusedPassword = "an-unused-registry-password-2f9c1e";
        var secrets = new[]
        {
            registryPassword, awsSecret, unusedPassword,
            Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:" + registryPassword)), // the ECR token
        };

        var started = DateTime.UtcNow.AddSeconds(-1);
        var (exitCode, output) = await BuildScript.RunAsync(["Push"], new Dictionary<string, string>
        {
            ["AWS_ECR_REPO"] = _images.Repository,
            ["PIPELINE_SHA"] = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7",
            ["PIPELINE_BRANCH"] = "develop",
            ["REGISTRY_PASSWORD"] = unusedPassword,
        });
        Assert.True(exitCode == 0, output);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, output);

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var written = new[] { BuildScript.RepositoryRoot, home, Path.GetTempPath() }
            .SelectMany(root => FilesWrittenSince(root, started))
            .Where(path => !SecretStores.Any(store => path.EndsWith(store, StringComparison.Ordinal)))
            .Distinct()
            .ToList();
        Assert.NotEmpty(written); // the run did write files (cache, build output): the scan is not vacuous
        var leaks = written.Where(path => Contains(path, secrets)).ToList();
        Assert.True(leaks.Count == 0, "secrets found in: " + string.Join(", ", leaks));
    }

    // Toolchain caches and the staging hosts' engine stores are large, and a Push run writes none of them.
    private static readonly string[] Pruned = [".nuget", ".dotnet", ".pyenv", ".rustup", ".cargo", ".cache", ".npm", "node_modules", ".git"];

    internal static IEnumerable<string> FilesWrittenSince(string root, DateTime since)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IEnumerable<string> files, dirs;
            try
            {
                files = Directory.GetFiles(dir);
                dirs = Directory.GetDirectories(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var sub in dirs)
            {
                var name = Path.GetFileName(sub);
                var isEngineStore = sub.Contains("/.pipeline-sandbox/staging/") && name is "data" or "exec";
                if (!Pruned.Contains(name) && !isEngineStore && !new FileInfo(sub).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    pending.Push(sub);
            }
            foreach (var path in files)
            {
                DateTime modified;
                try { modified = File.GetLastWriteTimeUtc(path); } catch (IOException) { continue; }
                if (modified >= since) yield return path;
            }
        }
    }

    /// <summary>Streams the file, so large image tarballs are searched too, with an overlap for secrets split across reads.</summary>
    internal static bool Contains(string path, IReadOnlyList<string> secrets)
    {
        // An empty file holds no secret, and FIFOs and sockets stat as empty: opening a FIFO (each .NET process makes
        // /tmp/clr-debug-pipe-*) blocks until a writer comes, which hung the scan.
        try
        {
            if (new FileInfo(path).Length == 0) return false;
        }
        catch (IOException)
        {
            return false;
        }
        var patterns = secrets.Select(Encoding.UTF8.GetBytes).ToList();
        var overlap = patterns.Max(p => p.Length);
        var buffer = new byte[(1 << 20) + overlap];
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var carried = 0;
            int read;
            while ((read = file.Read(buffer, carried, buffer.Length - carried)) > 0)
            {
                var span = buffer.AsSpan(0, carried + read);
                foreach (var pattern in patterns)
                    if (span.IndexOf(pattern) >= 0) return true;
                carried = Math.Min(overlap, span.Length);
                span[^carried..].CopyTo(buffer);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file removed between listing and reading (a temp file of another process) cannot hold our run's output.
        }
        return false;
    }
}
