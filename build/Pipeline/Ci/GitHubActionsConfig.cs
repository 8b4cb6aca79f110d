using System.Text;

namespace Pipeline.Ci;

/// <summary>
/// .github/workflows/pipeline.yml for a plan: the SDK from global.json, OIDC role assumption, protected
/// environments, concurrency groups, and the tested image handed from the test job to the deploy jobs.
/// </summary>
public static class GitHubActionsConfig
{
    public const string Path = ".github/workflows/pipeline.yml";

    /// <summary>
    /// The actions the workflow uses, at their current majors (all run on Node 24). A test holds this table
    /// against the published majors, so a stale one fails the suite.
    /// </summary>
    public const string Checkout = "actions/checkout@v7";
    public const string SetupDotnet = "actions/setup-dotnet@v6";
    public const string Cache = "actions/cache@v6";
    public const string UploadArtifact = "actions/upload-artifact@v7";
    public const string DownloadArtifact = "actions/download-artifact@v8";
    public const string AwsCredentials = "aws-actions/configure-aws-credentials@v6";

    public const string Runner = "ubuntu-24.04";

    // The test job hands the image it tested to the deploy jobs as this artifact.
    public const string ArtifactName = "tested-image";

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
            y.AppendLine($"    runs-on: {Runner}");
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
            y.AppendLine($"      - uses: {Checkout}");
            y.AppendLine($"      - uses: {SetupDotnet}");
            y.AppendLine("        with:");
            y.AppendLine($"          global-json-file: {CiPlan.SdkPinFile}");
            if (job.Branches is null)
            {
                y.AppendLine("      # The pinned dependency images and the base image, as the pipeline's own cache keeps them.");
                y.AppendLine($"      - uses: {Cache}");
                y.AppendLine("        with:");
                y.AppendLine("          path: ~/docker");
                y.AppendLine($"          key: {plan.CacheKey}");
            }
            else
            {
                y.AppendLine("      # The release image the test job tested, loaded by DockerBuild instead of building another.");
                y.AppendLine("      - id: tested-image");
                y.AppendLine($"        uses: {DownloadArtifact}");
                y.AppendLine("        continue-on-error: true");
                y.AppendLine("        with:");
                y.AppendLine($"          name: {ArtifactName}");
                y.AppendLine($"          path: {CiPlan.ArchiveDirectory}");
                y.AppendLine("      - if: steps.tested-image.outcome != 'success'");
                y.AppendLine("        run: |");
                y.AppendLine($"          echo \"::error title=No tested image::This run's {ArtifactName} artifact is gone: artifacts are kept {CiPlan.ArchiveRetentionDays} days, and the test job uploads it only on a deploy branch. Re-run all jobs of this workflow run, so the test job tests and uploads the image again.\"");
                y.AppendLine("          exit 1");
            }
            y.AppendLine($"      - uses: {Cache}");
            y.AppendLine("        with:");
            y.AppendLine("          path: ~/.nuget/packages");
            y.AppendLine($"          key: nuget-v2-${{{{ hashFiles({string.Join(", ", CiPlan.NugetKeyFiles.Select(f => $"'{f}'"))}) }}}}");
            if (job.Branches is not null)
            {
                y.AppendLine($"      - uses: {AwsCredentials}");
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
                y.AppendLine($"      - uses: {UploadArtifact}");
                y.AppendLine($"        if: {DeployCondition(deployBranches)}");
                y.AppendLine("        with:");
                y.AppendLine($"          name: {ArtifactName}");
                y.AppendLine($"          path: {CiPlan.ArchiveDirectory}");
                y.AppendLine($"          retention-days: {CiPlan.ArchiveRetentionDays}");
                y.AppendLine("          # A re-run of the test job replaces the artifact instead of failing on the name.");
                y.AppendLine("          overwrite: true");
                y.AppendLine("          # The tarball is brotli-compressed already.");
                y.AppendLine("          compression-level: 0");
                y.AppendLine("      # The JUnit XML the Test target wrote (failed tests are also annotated on the run's page).");
                y.AppendLine($"      - uses: {UploadArtifact}");
                y.AppendLine("        if: always()");
                y.AppendLine("        with:");
                y.AppendLine("          name: test-results");
                y.AppendLine($"          path: {plan.TestResults}");
                y.AppendLine("          if-no-files-found: ignore");
                y.AppendLine("          overwrite: true");
            }
        }
        return y.ToString();
    }

    // Branch names were validated as plain names (CiBranch): no quote can end the string literal.
    private static string DeployCondition(IEnumerable<string> branches) =>
        $"github.event_name == 'push' && ({string.Join(" || ", branches.Select(b => $"github.ref == 'refs/heads/{b}'"))})";

    /// <summary>The settings a deploy job takes from the environment's variables (AWS needs no secret: OIDC).</summary>
    private static IEnumerable<string> DeployVariables(string target) => target == CiPlan.StagingTarget
        ? ["AWS_ECR_URL", "STAGING_HOSTS", "STAGING_KNOWN_HOSTS", "STAGING_JUMP"]
        : ["AWS_ECR_URL", "ECS_CLUSTER", "ECS_SERVICE", "ECS_CONTAINER"];

    /// <summary>
    /// What a deploy job takes from the environment's secrets: the staging hosts' SSH key, as text, since a runner
    /// has no key file (GitHub masks it in the log too).
    /// </summary>
    private static IEnumerable<string> DeploySecrets(string target) => target == CiPlan.StagingTarget
        ? ["STAGING_SSH_PRIVATE_KEY", "STAGING_SSH_KEY_PASSPHRASE"]
        : [];
}
