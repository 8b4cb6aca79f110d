using System.Text;

namespace Pipeline.Ci;

/// <summary>
/// .circleci/config.yml (version 2.1) for a plan: a machine executor (the jobs need a Docker engine of their
/// own), the SDK global.json pins, contexts per environment, OIDC for AWS, and serial groups on the workflow's job
/// entries (the only place CircleCI accepts them).
/// </summary>
public static class CircleCiConfig
{
    public const string Path = ".circleci/config.yml";

    public const string MachineImage = "ubuntu-2404:current";

    // The SDK global.json pins: the machine image's own is not a contract. dotnet-install.sh reads global.json; the
    // install directory is cached, and exists even when the machine already has a matching SDK, so save_cache has a path.
    private static readonly string[] InstallSdk =
    [
        "mkdir -p \"$HOME/.dotnet\"",
        "if ! dotnet --version >/dev/null 2>&1; then",
        "  if ! \"$HOME/.dotnet/dotnet\" --version >/dev/null 2>&1; then",
        "    curl -fsSL --retry 3 https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh",
        "    bash /tmp/dotnet-install.sh --jsonfile global.json --install-dir \"$HOME/.dotnet\"",
        "  fi",
        "  echo 'export DOTNET_ROOT=\"$HOME/.dotnet\" PATH=\"$HOME/.dotnet:$PATH\"' >> \"$BASH_ENV\"",
        "fi",
    ];

    // With AWS_ROLE_ARN in the context, the job's OIDC token becomes the web identity the AWS credential chain
    // reads, so no long-lived key is stored. Without it, the context's access keys are used.
    private static readonly string[] OidcToAws =
    [
        "if [ -n \"${AWS_ROLE_ARN:-}\" ]; then",
        "  umask 077",
        "  printf '%s' \"$CIRCLE_OIDC_TOKEN_V2\" > \"$HOME/.aws-web-identity-token\"",
        "  echo \"export AWS_WEB_IDENTITY_TOKEN_FILE=\\\"$HOME/.aws-web-identity-token\\\" AWS_ROLE_SESSION_NAME=\\\"circleci-$CIRCLE_BUILD_NUM\\\"\" >> \"$BASH_ENV\"",
        "fi",
    ];

    public static string Render(CiPlan plan)
    {
        var sdkKey = $"dotnet-sdk-v1-{{{{ checksum \"{CiPlan.SdkPinFile}\" }}}}";
        var nugetKey = "nuget-v2-" + string.Join("-", CiPlan.NugetKeyFiles.Select(f => $"{{{{ checksum \"{f}\" }}}}"));
        var y = new StringBuilder();
        y.AppendLine(GeneratedHeader.For(plan));
        y.AppendLine("version: 2.1");
        y.AppendLine();
        y.AppendLine("jobs:");
        foreach (var job in plan.Jobs)
        {
            y.AppendLine($"  {job.Name}:");
            y.AppendLine("    machine:");
            y.AppendLine($"      image: {MachineImage}");
            y.AppendLine("    steps:");
            y.AppendLine("      - checkout");
            RestoreCache(y, sdkKey);
            Run(y, "Install the .NET SDK global.json pins", InstallSdk);
            if (job.Branches is null)
            {
                y.AppendLine("      # The pinned dependency images and the base image, as the pipeline's own cache keeps them.");
                RestoreCache(y, plan.CacheKey);
            }
            else
            {
                y.AppendLine("      # The release image the test job tested, loaded by DockerBuild instead of building another.");
                y.AppendLine("      - attach_workspace:");
                y.AppendLine($"          at: {CiPlan.ArchiveDirectory}");
                Run(y, "AWS credentials from the job's OIDC token (when the context sets AWS_ROLE_ARN)", OidcToAws);
            }
            RestoreCache(y, nugetKey);
            y.AppendLine("      - run:");
            y.AppendLine($"          name: {job.Command}");
            y.AppendLine($"          command: {job.Command}");
            y.AppendLine("          environment:");
            y.AppendLine($"            {CiPlan.ArchiveVariable}: {CiPlan.ArchiveDirectory}");
            if (job.Branches is null)
            {
                y.AppendLine("      - store_test_results:");
                y.AppendLine($"          path: {plan.TestResults}");
                y.AppendLine("      - persist_to_workspace:");
                y.AppendLine($"          root: {CiPlan.ArchiveDirectory}");
                y.AppendLine("          paths: [.]");
                SaveCache(y, plan.CacheKey, "~/docker");
            }
            SaveCache(y, nugetKey, "~/.nuget/packages");
            SaveCache(y, sdkKey, "~/.dotnet");
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
                y.AppendLine("          # Besides the AWS settings, the context holds STAGING_HOSTS, STAGING_KNOWN_HOSTS (the lines), STAGING_SSH_PRIVATE_KEY (the key itself), and if needed STAGING_JUMP and STAGING_SSH_KEY_PASSPHRASE.");
            y.AppendLine($"          context: aws-{job.Environment}");
            y.AppendLine($"          requires: [{requires}]");
            y.AppendLine("          # Deploys of one environment never overlap (the staging deploy lock guards the hosts too).");
            y.AppendLine($"          serial-group: << pipeline.project.slug >>/deploy-{job.Environment}");
            AppendBranches(y, job.Branches!);
        }
        return y.ToString();
    }

    private static void Run(StringBuilder y, string name, IEnumerable<string> script)
    {
        y.AppendLine("      - run:");
        y.AppendLine($"          name: {name}");
        y.AppendLine("          command: |");
        foreach (var line in script) y.AppendLine("            " + line);
    }

    private static void RestoreCache(StringBuilder y, string key)
    {
        y.AppendLine("      - restore_cache:");
        y.AppendLine("          keys:");
        y.AppendLine($"            - {key}");
    }

    private static void SaveCache(StringBuilder y, string key, string path)
    {
        y.AppendLine("      - save_cache:");
        y.AppendLine($"          key: {key}");
        y.AppendLine("          paths:");
        y.AppendLine($"            - {path}");
    }

    // Branch names were validated as plain names (CiBranch); quoted all the same, as YAML strings.
    private static void AppendBranches(StringBuilder y, IReadOnlyList<string> branches)
    {
        y.AppendLine("          filters:");
        y.AppendLine("            branches:");
        y.AppendLine($"              only: [{string.Join(", ", branches.Select(b => $"'{b}'"))}]");
    }
}
