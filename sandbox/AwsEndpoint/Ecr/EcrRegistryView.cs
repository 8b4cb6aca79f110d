using AwsEndpoint.Registry;
using AwsEndpoint.Ecr.Shapes;

namespace AwsEndpoint.Ecr;

/// <summary>The sandbox registry seen as one ECR registry: account, region and URIs shaped like AWS's, and the
/// repository list as the union of what the registry holds and what CreateRepository recorded.</summary>
public sealed class EcrRegistryView(EndpointOptions options, RegistryApiClient registry, EcrRepositoryRecords records)
{
    public EndpointOptions Options => options;
    public RegistryApiClient Registry => registry;
    public EcrRepositoryRecords Records => records;
    public string Account => options.AccountId;

    public Repository Describe(string name, RepositoryRecord? record) => new(
        RepositoryArn: $"arn:aws:ecr:{options.Region}:{options.AccountId}:repository/{name}",
        RegistryId: options.AccountId,
        RepositoryName: name,
        RepositoryUri: $"{options.RegistryHost}/{name}",
        // A repository that only exists because something was pushed has no recorded creation time.
        CreatedAt: record?.CreatedAt,
        ImageTagMutability: record?.ImageTagMutability ?? "MUTABLE",
        ImageScanningConfiguration: new ImageScanningConfiguration(record?.ScanOnPush ?? false),
        EncryptionConfiguration: new EncryptionConfiguration(record?.EncryptionType ?? "AES256"));

    public async Task<IReadOnlyList<Repository>> AllAsync(CancellationToken ct)
    {
        var recorded = (await records.AllAsync(ct)).ToDictionary(r => r.Name);
        var names = (await registry.CatalogAsync(ct)).Concat(recorded.Keys).Distinct().Order(StringComparer.Ordinal);
        return names.Select(n => Describe(n, recorded.GetValueOrDefault(n))).ToList();
    }

    /// <summary>The repository's tags (empty when it was only created, never pushed to); RepositoryNotFoundException
    /// when neither the registry nor the records know it.</summary>
    public async Task<IReadOnlyList<string>> TagsOfExistingAsync(string name, CancellationToken ct)
    {
        var tags = await registry.TagsAsync(name, ct);
        if (tags is not null) return tags;
        if ((await records.AllAsync(ct)).Any(r => r.Name == name)) return [];
        throw EcrErrors.RepositoryNotFound(Account, name);
    }
}
