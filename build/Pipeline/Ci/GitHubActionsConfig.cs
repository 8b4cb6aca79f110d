using System.Text;

namespace Pipeline.Ci;

/// <summary>.github/workflows/pipeline.yml for a plan: OIDC role assumption, protected environments, concurrency groups.</summary>
public static class GitHubActionsConfig
{
    public const string Path = ".github/workflows/pipeline.yml";

    public static string Render(CiPlan plan)
    {
        var deployBranches = plan.Jobs.Where(j => j.Branches is not null).SelectMany(j => j.Branches!).Distinct().ToList();
        var y = new StringBuilder();
        y.AppendLine(GeneratedHeader.For(plan));
        y.AppendLine("name: pipeline");
        y.AppendLine();
        y.AppendLine("on:");
        y.AppendLine("  push:");
        y.AppendLine("  pull_request:");
        y.AppendLine();
        y.AppendLine("permissions:");
        y.AppendLine("  contents: read");
        y.AppendLine();
        y.AppendLine("jobs:");
        foreach (var job in plan.Jobs)
        {
            y.AppendLine($"  {job.Name}:");
            y.AppendLine("    runs-on: ubuntu-22.04");
            if (job.Branches is not null)
            {
                y.AppendLine("    needs: [test]");
                y.AppendLine($"    if: {DeployCondition(job.Branches)}");
                y.AppendLine($"    # A protected environment: its reviewers approve{(job.NeedsApproval ? "" : " (or not)")} and its secrets and variables apply.");
                y.AppendLine($"    environment: {job.Environment}");
                y.AppendLine("    # Deploys of one environment never overlap; a queued one waits instead of cancelling a running one.");
                y.AppendLine("    concurrency:");
                y.AppendLine($"      group: deploy-{job.Environment}");
                y.AppendLine("      cancel-in-progress: false");
                y.AppendLine("    permissions:");
                y.AppendLine("      contents: read");
                y.AppendLine("      id-token: write");
            }
            y.AppendLine("    steps:");
            y.AppendLine("      - uses: actions/checkout@v4");
            if (job.Branches is null)
            {
                y.AppendLine("      - uses: actions/cache@v4");
                y.AppendLine("        with:");
                y.AppendLine("          path: ~/docker");
                y.AppendLine($"          key: {plan.CacheKey}");
            }
            else
            {
                y.AppendLine("      - uses: actions/download-artifact@v4");
                y.AppendLine("        with:");
                y.AppendLine($"          name: {ArtifactName}");
                y.AppendLine($"          path: {CiPlan.ArchiveDirectory}");
            }
            y.AppendLine("      - uses: actions/cache@v4");
            y.AppendLine("        with:");
            y.AppendLine("          path: ~/.nuget/packages");
            y.AppendLine("          key: nuget-v1-${{ hashFiles('.config/dotnet-tools.json', 'build/Pipeline/Pipeline.csproj') }}");
            if (job.Branches is not null)
            {
                y.AppendLine("      - uses: aws-actions/configure-aws-credentials@v4");
                y.AppendLine("        with:");
                y.AppendLine("          role-to-assume: ${{ vars.AWS_ROLE_ARN }}");
                y.AppendLine("          aws-region: ${{ vars.AWS_REGION }}");
            }
            y.AppendLine($"      - run: {job.Command}");
            y.AppendLine("        env:");
            y.AppendLine($"          {CiPlan.ArchiveVariable}: {CiPlan.ArchiveDirectory}");
            if (job.Branches is not null)
            {
                foreach (var variable in DeployVariables(job.Target)) y.AppendLine($"          {variable}: ${{{{ vars.{variable} }}}}");
                foreach (var secret in DeploySecrets(job.Target)) y.AppendLine($"          {secret}: ${{{{ secrets.{secret} }}}}");
            }
            else
            {
                y.AppendLine("      - uses: actions/upload-artifact@v4");
                y.AppendLine($"        if: {DeployCondition(deployBranches)}");
                y.AppendLine("        with:");
                y.AppendLine($"          name: {ArtifactName}");
                y.AppendLine($"          path: {CiPlan.ArchiveDirectory}");
                y.AppendLine("          retention-days: 1");
                y.AppendLine("          # The tarball is brotli-compressed already.");
                y.AppendLine("          compression-level: 0");
            }
        }
        return y.ToString();
    }

    // The test job hands the image it tested to the deploy jobs as this artifact.
    private const string ArtifactName = "tested-image";

    private static string DeployCondition(IEnumerable<string> branches) =>
        $"github.event_name == 'push' && ({string.Join(" || ", branches.Select(b => $"github.ref == 'refs/heads/{b}'"))})";

    /// <summary>The settings a deploy job takes from the environment's variables (AWS needs no secret: OIDC).</summary>
    private static IEnumerable<string> DeployVariables(string target) => target == CiPlan.StagingTarget
        ? ["AWS_ECR_URL", "STAGING_HOSTS", "STAGING_KNOWN_HOSTS"]
        : ["AWS_ECR_URL", "ECS_CLUSTER", "ECS_SERVICE"];

    /// <summary>
    /// What a deploy job takes from the environment's secrets: the staging hosts' SSH key, as text, since a runner
    /// has no key file (GitHub masks it in the log too).
    /// </summary>
    private static IEnumerable<string> DeploySecrets(string target) => target == CiPlan.StagingTarget
        ? ["STAGING_SSH_PRIVATE_KEY"]
        : [];
}
