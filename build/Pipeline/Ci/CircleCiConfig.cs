using System.Text;

namespace Pipeline.Ci;

/// <summary>.circleci/config.yml (version 2.1) for a plan: a machine executor (the jobs need a Docker engine of their own).</summary>
public static class CircleCiConfig
{
    public const string Path = ".circleci/config.yml";

    public static string Render(CiPlan plan)
    {
        var y = new StringBuilder();
        y.AppendLine(GeneratedHeader.For(plan));
        y.AppendLine("version: 2.1");
        y.AppendLine();
        y.AppendLine("jobs:");
        foreach (var job in plan.Jobs)
        {
            y.AppendLine($"  {job.Name}:");
            y.AppendLine("    machine:");
            y.AppendLine("      image: ubuntu-2204:current");
            if (job.Environment is not null)
            {
                y.AppendLine("    # Deploys of one environment never overlap (the staging deploy lock guards the hosts too).");
                y.AppendLine($"    serial-group: << pipeline.project.slug >>/{job.Environment}");
            }
            y.AppendLine("    steps:");
            y.AppendLine("      - checkout");
            if (job.Branches is null)
            {
                y.AppendLine("      - restore_cache:");
                y.AppendLine("          keys:");
                y.AppendLine($"            - {plan.CacheKey}");
            }
            else
            {
                y.AppendLine("      # The release image the test job tested, loaded by DockerBuild instead of building another.");
                y.AppendLine("      - attach_workspace:");
                y.AppendLine($"          at: {CiPlan.ArchiveDirectory}");
            }
            y.AppendLine("      - restore_cache:");
            y.AppendLine("          keys:");
            y.AppendLine("            - nuget-v1-{{ checksum \".config/dotnet-tools.json\" }}-{{ checksum \"build/Pipeline/Pipeline.csproj\" }}");
            y.AppendLine("      - run:");
            y.AppendLine($"          name: {job.Command}");
            y.AppendLine($"          command: {job.Command}");
            y.AppendLine("          environment:");
            y.AppendLine($"            {CiPlan.ArchiveVariable}: {CiPlan.ArchiveDirectory}");
            if (job.Branches is null)
            {
                y.AppendLine("      - persist_to_workspace:");
                y.AppendLine($"          root: {CiPlan.ArchiveDirectory}");
                y.AppendLine("          paths: [.]");
                y.AppendLine("      - save_cache:");
                y.AppendLine($"          key: {plan.CacheKey}");
                y.AppendLine("          paths:");
                y.AppendLine("            - ~/docker");
            }
            y.AppendLine("      - save_cache:");
            y.AppendLine("          key: nuget-v1-{{ checksum \".config/dotnet-tools.json\" }}-{{ checksum \"build/Pipeline/Pipeline.csproj\" }}");
            y.AppendLine("          paths:");
            y.AppendLine("            - ~/.nuget/packages");
        }
        y.AppendLine();
        y.AppendLine("workflows:");
        y.AppendLine("  pipeline:");
        y.AppendLine("    jobs:");
        y.AppendLine("      - test");
        foreach (var job in plan.Jobs.Where(j => j.Branches is not null))
        {
            var requires = "test";
            if (job.NeedsApproval)
            {
                var hold = $"approve-{job.Environment}";
                y.AppendLine($"      - {hold}:");
                y.AppendLine("          type: approval");
                y.AppendLine("          requires: [test]");
                AppendBranches(y, job.Branches!);
                requires = hold;
            }
            y.AppendLine($"      - {job.Name}:");
            if (job.Target == CiPlan.StagingTarget)
                y.AppendLine("          # Besides the AWS settings, the context holds STAGING_HOSTS, STAGING_KNOWN_HOSTS (the lines) and STAGING_SSH_PRIVATE_KEY (the key itself).");
            y.AppendLine($"          context: aws-{job.Environment}");
            y.AppendLine($"          requires: [{requires}]");
            AppendBranches(y, job.Branches!);
        }
        return y.ToString();
    }

    private static void AppendBranches(StringBuilder y, IReadOnlyList<string> branches)
    {
        y.AppendLine("          filters:");
        y.AppendLine("            branches:");
        y.AppendLine($"              only: [{string.Join(", ", branches)}]");
    }
}
