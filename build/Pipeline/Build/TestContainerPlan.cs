using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>The container Test runs: `npm test` in the testing image, on the deps network, labelled with the run.</summary>
public static class TestContainerPlan
{
    public static readonly IReadOnlyList<string> Command = ["npm", "test"];

    public static ContainerCreateRequest For(string testingImage, DepsPlan deps, string network) => new(testingImage)
    {
        Name = $"{deps.Naming.Prefix}-test-{deps.RunId}",
        Command = Command,
        // The app's own defaults, stated so the test run does not depend on them.
        Environment = new Dictionary<string, string>
        {
            ["MYSQL_HOST"] = deps.Mysql.Alias,
            ["REDIS_HOST"] = deps.Redis.Alias,
        },
        Labels = deps.Labels("test"),
        Network = network,
    };
}
