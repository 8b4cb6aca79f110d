using System.Text;
using System.Text.RegularExpressions;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecr;

/// <summary>The model's constraints on inputs (required members, patterns, ranges), checked server-side like
/// AWS does, so a client that skips botocore's validation still gets AWS's answer.</summary>
public static partial class EcrRequestRules
{
    // ecr/2015-09-21 RepositoryName: min 2, max 256, this pattern.
    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex RepositoryNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$")]
    private static partial Regex DigestPattern();

    public static string RepositoryName(string? name, string member = "repositoryName")
    {
        if (name is null)
            throw AwsServiceException.Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
        if (name.Length is < 2 or > 256 || !RepositoryNamePattern().IsMatch(name))
            throw AwsServiceException.InvalidParameter($"Invalid parameter at '{member}' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and length between 2 and 256'");
        return name;
    }

    public static void RegistryId(string? registryId, string account)
    {
        if (registryId is not null && registryId != account)
            throw AwsServiceException.InvalidParameter($"Invalid parameter at 'registryId': the sandbox serves only registry '{account}', not '{registryId}'");
    }

    public static bool IsValidDigest(string digest) => DigestPattern().IsMatch(digest);

    /// <summary>Offset-based paging; the token is opaque to clients, as AWS's is.</summary>
    public static (int Offset, int Limit) Page(string? nextToken, int? maxResults, int defaultLimit)
    {
        if (maxResults is < 1 or > 1000)
            throw AwsServiceException.Validation($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000");
        var offset = 0;
        if (nextToken is not null)
        {
            try { offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(nextToken)).TrimStart('o')); }
            catch (FormatException) { throw AwsServiceException.InvalidParameter("Invalid parameter at 'nextToken': the token is not one this endpoint issued"); }
        }
        return (offset, maxResults ?? defaultLimit);
    }

    public static string? NextToken(int offset, int limit, int total) =>
        offset + limit < total ? Convert.ToBase64String(Encoding.UTF8.GetBytes("o" + (offset + limit))) : null;
}
