using System.Text.RegularExpressions;
using Pipeline.Build;

namespace Pipeline.Registry;

/// <summary>
/// The names the pipeline gives the app's images. Local builds are `repo:sha` and `repo:sha-testing`, as in the
/// original setup; the registry copy of the last release is `registry/repo:latest`. A run with no registry (a CI
/// test job, a laptop off the sandbox) has only the local names.
/// </summary>
public sealed partial record ImageNames(string? Registry, string Repository, SourceRevision Revision)
{
    public string Testing => $"{Repository}:{Revision.Sha}-testing";

    public string Release => $"{Repository}:{Revision.Sha}";

    public string RegistryRepository => $"{Registry ?? throw NoRegistry()}/{Repository}";

    public static PipelineException NoRegistry() => new(
        "No registry is configured",
        "Set AWS_ECR_URL (and AWS_ECR_REPO) to the registry to push to and deploy from, or rehearse with --sandbox on.");

    /// <summary>The last release in the registry, whose layers seed the build cache; null without a registry.</summary>
    public string? Latest => Registry is null ? null : $"{RegistryRepository}:latest";

    public const string RepositoryRule =
        "Use lowercase letters, digits and separators (. _ -), with '/' between path parts, e.g. my-team/my-app.";

    /// <summary>The Docker reference grammar of a repository path (AWS_ECR_REPO's kind checks every value against it).</summary>
    public static bool IsValidRepository(string repository) => RepositoryPattern().IsMatch(repository) && repository.Length <= 255;

    // Docker's reference grammar for a path: components of [a-z0-9] joined by '.', '_', '__' or runs of '-'.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z")]
    private static partial Regex RepositoryPattern();
}
