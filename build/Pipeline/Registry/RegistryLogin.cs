using Pipeline.Aws;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Registry;

/// <summary>
/// Credentials for the app's registry: an ECR token (the default, also in the sandbox, whose AWS endpoint hands
/// out tokens for its registry), a user and password (REGISTRY_USER / REGISTRY_PASSWORD), or none.
/// </summary>
public static class RegistryLogin
{
    public static string Mode(PipelineSettings settings) =>
        settings.Values.Get(PipelineParameters.RegistryLogin)
        ?? (settings.Values.Get(PipelineParameters.RegistryUser) is null ? "ecr" : "basic");

    public static async Task<RegistryCredentials?> ForAsync(PipelineSettings settings, AwsAccess aws, CancellationToken cancellation)
    {
        // No registry (a test job off the sandbox): nothing to log in to, and no AWS credentials needed.
        if (settings.Registry is null) return null;
        switch (Mode(settings))
        {
            case "none":
                return null;
            case "basic":
                return For(settings);
            default:
                var credentials = await EcrLogin.LoginAsync(aws.Ecr, cancellation);
                Cli.Log.Note($"logged in to {credentials.ServerAddress} with an ECR token ({(await aws.IdentityAsync(cancellation)).Source})");
                return credentials;
        }
    }

    /// <summary>User and password: the sandbox's own user, or REGISTRY_USER / REGISTRY_PASSWORD.</summary>
    public static RegistryCredentials? For(PipelineSettings settings)
    {
        if (settings.IsSandbox)
            return new RegistryCredentials(SandboxProfile.Registry, SandboxProfile.RegistryUser, settings.Sandbox.ReadRegistryPassword());
        var user = settings.Values.Get(PipelineParameters.RegistryUser);
        var password = settings.Values.GetSecret(PipelineParameters.RegistryPassword);
        if (user is null && password is null) return null;
        if (user is null || password is null)
            throw new PipelineException(
                "Only one of REGISTRY_USER and REGISTRY_PASSWORD is set",
                "Set both (the password as an environment variable), or neither for a registry that needs no login.");
        return new RegistryCredentials(settings.Registry ?? throw ImageNames.NoRegistry(), user, password);
    }
}
