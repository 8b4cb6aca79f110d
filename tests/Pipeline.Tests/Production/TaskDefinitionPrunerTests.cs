using Pipeline.Aws.Ecs;
using Pipeline.Production;

namespace Pipeline.Tests.Production;

public class TaskDefinitionPrunerTests
{
    private static string Arn(int revision) => $"arn:aws:ecs:us-east-1:000000000000:task-definition/sample-app:{revision}";

    private static readonly IReadOnlyList<string> NewestFirst = Enumerable.Range(1, 8).Reverse().Select(Arn).ToList();

    [Fact]
    public void Revisions_beyond_the_newest_N_are_selected() =>
        Assert.Equal([Arn(3), Arn(2), Arn(1)], TaskDefinitionPruner.Select(NewestFirst, keep: 5, [Arn(8), Arn(7)]));

    [Fact]
    public void The_previous_good_revision_is_never_selected_even_when_old()
    {
        // A deploy of 8 that replaced 2 (after 3..7 were registered but never deployed) must keep 2.
        var doomed = TaskDefinitionPruner.Select(NewestFirst, keep: 1, [Arn(8), Arn(2)]);
        Assert.DoesNotContain(Arn(2), doomed);
        Assert.DoesNotContain(Arn(8), doomed);
        Assert.Equal(6, doomed.Count);
    }

    [Fact]
    public void Arns_are_read_for_family_and_revision()
    {
        Assert.Equal("sample-app", TaskDefinitionArn.Family(Arn(12)));
        Assert.Equal(12, TaskDefinitionArn.Revision(Arn(12)));
        Assert.Equal("sample-app:12", TaskDefinitionArn.Short(Arn(12)));
    }
}
