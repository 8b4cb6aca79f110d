using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Ecs;

public static class EcsModel
{
    public const string Path = "/usr/lib/python3/dist-packages/awscli/botocore/data/ecs/2014-11-13/service-2.json";
}

public static class EcsCli
{
    public static void FailsWith(CliResult r, string code)
    {
        // awscli v2 exits 254 when the service answered with an error.
        Assert.True(r.ExitCode == 254, $"expected {code}, aws exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        Assert.Contains($"An error occurred ({code})", r.Stderr);
    }
}
