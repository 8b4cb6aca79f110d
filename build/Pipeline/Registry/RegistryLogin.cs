using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Registry;

/// <summary>Credentials for the app's registry: the sandbox's own user, or REGISTRY_USER / REGISTRY_PASSWORD.</summary>
public static class RegistryLogin
{
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
        return new RegistryCredentials(settings.Registry, user, password);
    }
}
