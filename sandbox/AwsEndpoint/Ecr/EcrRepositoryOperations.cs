using System.Text.Json;
using AwsEndpoint.Protocol;
using AwsEndpoint.Ecr.Shapes;

namespace AwsEndpoint.Ecr;

/// <summary>DescribeRepositories and CreateRepository.</summary>
public sealed class EcrRepositoryOperations(EcrRegistryView view, TimeProvider clock)
{
    public async Task<object> DescribeRepositoriesAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeRepositoriesRequest>(input);
        EcrRequestRules.RegistryId(request.RegistryId, view.Account);
        var all = await view.AllAsync(ct);
        if (request.RepositoryNames is { Count: > 0 } names)
        {
            // As in AWS: paging applies to the whole registry only, and a missing name fails the call.
            if (request.MaxResults is not null || request.NextToken is not null)
                throw AwsServiceException.InvalidParameter("maxResults and nextToken cannot be used with repositoryNames");
            var byName = all.ToDictionary(r => r.RepositoryName);
            return new DescribeRepositoriesResponse(names.Select(n =>
                byName.GetValueOrDefault(EcrRequestRules.RepositoryName(n, "repositoryNames")) ?? throw EcrErrors.RepositoryNotFound(view.Account, n)).ToList(), null);
        }
        var (offset, limit) = EcrRequestRules.Page(request.NextToken, request.MaxResults, 100);
        return new DescribeRepositoriesResponse(all.Skip(offset).Take(limit).ToList(), EcrRequestRules.NextToken(offset, limit, all.Count));
    }

    public async Task<object> CreateRepositoryAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<CreateRepositoryRequest>(input);
        EcrRequestRules.RegistryId(request.RegistryId, view.Account);
        var name = EcrRequestRules.RepositoryName(request.RepositoryName);
        var mutability = request.ImageTagMutability ?? "MUTABLE";
        if (mutability is not ("MUTABLE" or "IMMUTABLE"))
            throw AwsServiceException.Validation($"1 validation error detected: Value '{mutability}' at 'imageTagMutability' failed to satisfy constraint: Member must satisfy enum value set: [MUTABLE, IMMUTABLE]");
        var encryption = request.EncryptionConfiguration?.EncryptionType ?? "AES256";
        if (encryption is not ("AES256" or "KMS"))
            throw AwsServiceException.Validation($"1 validation error detected: Value '{encryption}' at 'encryptionConfiguration.encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]");

        // IMMUTABLE is recorded and reported, not enforced: the plain registry below accepts any re-push of a tag.
        var record = new RepositoryRecord(name, clock.GetUtcNow(), mutability, request.ImageScanningConfiguration?.ScanOnPush ?? false, encryption);
        var added = await view.Records.AddAsync(record,
            async recorded => recorded.Any(r => r.Name == name) || await view.Registry.TagsAsync(name, ct) is not null, ct);
        if (!added) throw EcrErrors.RepositoryAlreadyExists(view.Account, name);
        return new CreateRepositoryResponse(view.Describe(name, record));
    }
}
