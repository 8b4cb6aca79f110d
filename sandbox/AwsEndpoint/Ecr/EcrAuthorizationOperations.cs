using System.Text;
using System.Text.Json;
using AwsEndpoint.Protocol;
using AwsEndpoint.Ecr.Shapes;

namespace AwsEndpoint.Ecr;

/// <summary>GetAuthorizationToken: the sandbox registry's htpasswd user, in ECR's token format, so
/// `aws ecr get-login-password` and the pipeline's ECR login work unchanged against the sandbox.</summary>
public sealed class EcrAuthorizationOperations(EcrRegistryView view, TimeProvider clock)
{
    // ECR tokens are valid for 12 hours; clients refresh on expiresAt, so report the same lifetime.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    public async Task<object> GetAuthorizationTokenAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<GetAuthorizationTokenRequest>(input);
        foreach (var id in request.RegistryIds ?? []) EcrRequestRules.RegistryId(id, view.Account);
        var password = (await File.ReadAllTextAsync(view.Options.RegistryPasswordPath, ct)).TrimEnd('\n', '\r');
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{view.Options.RegistryUser}:{password}"));
        // AWS answers one entry per requested registry id (all of them ours here), or one for the default registry.
        var entries = Math.Max(1, request.RegistryIds?.Count ?? 0);
        var data = new AuthorizationData(token, clock.GetUtcNow() + TokenLifetime, view.Options.RegistryUrl);
        return new GetAuthorizationTokenResponse(Enumerable.Repeat(data, entries).ToList());
    }
}
