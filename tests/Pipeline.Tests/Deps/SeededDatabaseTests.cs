using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Tests.Deps;

public sealed class SeededDatabaseTests
{
    [Fact]
    public void The_seed_tag_changes_with_the_database_image_and_with_the_schema()
    {
        var schema = "CREATE TABLE a (id INT);"u8.ToArray();
        var tag = SeededDatabase.Tag("sha256:aaa", schema);
        Assert.Equal(16, tag.Length);
        Assert.Equal(tag, SeededDatabase.Tag("sha256:aaa", schema));
        Assert.NotEqual(tag, SeededDatabase.Tag("sha256:bbb", schema));
        Assert.NotEqual(tag, SeededDatabase.Tag("sha256:aaa", "CREATE TABLE b (id INT);"u8.ToArray()));
    }

    [Fact]
    public void The_commit_pauses_the_container_and_adds_the_label_as_a_change()
    {
        var parameters = ContainerOperations.CommitParameters("pipeline-mysql", SeededDatabase.Repository, "abc",
            new Dictionary<string, string> { [SeededDatabase.SeedLabel] = "mariadb:10.11" });
        Assert.Equal("pipeline-mysql", parameters.ContainerID);
        Assert.Equal("pipeline-deps/mysql-seed", parameters.RepositoryName);
        Assert.Equal("abc", parameters.Tag);
        Assert.True(parameters.Pause);
        Assert.Equal(["LABEL pipeline.deps.seed-of=\"mariadb:10.11\""], parameters.Changes);
        // Only the changes: the engine fills every part of the image's config the request leaves empty from the
        // container's own (entrypoint, env, ports).
        Assert.Null(parameters.Cmd);
        Assert.Null(parameters.Env);
    }
}
