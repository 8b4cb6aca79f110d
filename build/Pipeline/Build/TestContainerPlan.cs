using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>The container Test runs: the test command in the testing image, on the deps network, labelled with the run.</summary>
public static class TestContainerPlan
{
    public static ContainerCreateRequest For(string testingImage, IReadOnlyList<string> command, DepsPlan deps, string network) => new(testingImage)
    {
        Name = $"{deps.Naming.Prefix}-test-{deps.RunId}",
        Command = command,
        Environment = Environment(deps),
        Labels = deps.Labels("test"),
        Network = network,
    };

    /// <summary>&lt;NAME&gt;_HOST and &lt;NAME&gt;_PORT of every service (MYSQL_HOST=mysql ...), as the staging hosts' env file has them.</summary>
    public static IReadOnlyDictionary<string, string> Environment(DepsPlan deps) =>
        deps.Services.SelectMany(s => DependencySpec.AppVariables(s.Alias, s.ContainerPort)).ToDictionary();
}
