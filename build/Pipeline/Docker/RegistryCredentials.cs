using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>A login for one registry. <see cref="ServerAddress"/> is as in an image name: host[:port], no scheme.</summary>
public sealed record RegistryCredentials
{
    public RegistryCredentials(string serverAddress, string username, Secret password)
    {
        ServerAddress = serverAddress;
        Username = username;
        Password = password;
        // Registries receive the pair as Basic auth and docker login keeps it in config.json's "auth", both
        // base64("user:password"); an error or a debug log that echoes that form is masked too.
        Redactor.Register(username + ":" + password.Reveal());
    }

    public string ServerAddress { get; }

    public string Username { get; }

    public Secret Password { get; }
}
