using System.Text;
using Pipeline.Aws.Ecr;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Registry;

/// <summary>
/// Turns an ECR authorization token into registry credentials. They live in memory only: the engine receives
/// them per call in X-Registry-Auth, so nothing is written to ~/.docker/config.json.
/// </summary>
public static class EcrLogin
{
    public static async Task<RegistryCredentials> LoginAsync(EcrClient ecr, CancellationToken cancellation)
    {
        var data = await ecr.GetAuthorizationTokenAsync(cancellation);
        Redactor.Register(data.AuthorizationToken!);
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(data.AuthorizationToken!));
        }
        catch (FormatException)
        {
            throw new PipelineException("ECR returned an authorization token that is not base64", "Check the ECR endpoint in AWS_ENDPOINT_URL_ECR.");
        }
        var separator = decoded.IndexOf(':');
        if (separator <= 0)
            throw new PipelineException("ECR returned an authorization token without user:password", "Check the ECR endpoint in AWS_ENDPOINT_URL_ECR.");
        var password = new Secret(decoded[(separator + 1)..]);
        var server = Uri.TryCreate(data.ProxyEndpoint, UriKind.Absolute, out var proxy) ? proxy.Authority : data.ProxyEndpoint ?? "";
        return new RegistryCredentials(server, decoded[..separator], password);
    }
}
