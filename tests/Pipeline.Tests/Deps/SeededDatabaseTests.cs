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
        var request = ContainerOperations.CommitRequest("pipeline-mysql", SeededDatabase.Repository, "abc",
            new Dictionary<string, string> { [SeededDatabase.SeedLabel] = "mariadb:10.11" });
        Assert.Equal(
            "POST /v1.41/commit?container=pipeline-mysql&repo=pipeline-deps%2Fmysql-seed&tag=abc&pause=true" +
            "&changes=LABEL%20pipeline.deps.seed-of%3D%22mariadb%3A10.11%22",
            request.ToString());
        Assert.Null(request.JsonBody);
    }
}
