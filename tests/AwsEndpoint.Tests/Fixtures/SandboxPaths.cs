namespace AwsEndpoint.Tests.Fixtures;

/// <summary>The sandbox's state dir, as sandbox/up.sh resolves it.</summary>
public static class SandboxPaths
{
    public static string StateDir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("PIPELINE_SANDBOX_DIR");
            return Path.GetFullPath(string.IsNullOrEmpty(dir)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipeline-sandbox")
                : dir);
        }
    }

    public static string RegistryPasswordFile => Path.Combine(StateDir, "registry", "password");
    public static string RegistryDataDir => Path.Combine(StateDir, "registry", "data");
    public static string SandboxJson => Path.Combine(StateDir, "sandbox.json");
    public const string RegistryUrl = "http://127.0.0.1:5000";
    public const string AwsCli = "/usr/bin/aws";
    public const string EcrModel = "/usr/lib/python3/dist-packages/awscli/botocore/data/ecr/2015-09-21/service-2.json";
}
