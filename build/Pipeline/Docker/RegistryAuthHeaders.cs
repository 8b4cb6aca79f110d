using System.Text;
using System.Text.Json;
using AuthConfig = Docker.DotNet.Models.AuthConfig;
using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>
/// Registry logins as the engine takes them. Pull and push take one login, which the library encodes into
/// X-Registry-Auth itself; a build takes a map of them in X-Registry-Config, which is ours (see
/// <see cref="ImageBuilds.Headers"/>). Both headers are base64url (with padding, as the docker CLI writes them) of
/// JSON; they hold the password, so the config header is built as a <see cref="Secret"/> and never logged.
/// </summary>
public static class RegistryAuthHeaders
{
    public const string ConfigHeader = "X-Registry-Config";

    /// <summary>For pull and push: one login; null is anonymous, which the library sends as "{}".</summary>
    internal static AuthConfig? ToAuthConfig(RegistryCredentials? credentials) => credentials is null
        ? null
        : new AuthConfig
        {
            Username = credentials.Username,
            Password = credentials.Password.Reveal(),
            ServerAddress = credentials.ServerAddress,
        };

    /// <summary>For build: every registry a FROM may pull from, keyed by server address.</summary>
    public static Secret RegistryConfig(IEnumerable<RegistryCredentials> credentials)
    {
        var map = new Dictionary<string, Dictionary<string, string>>();
        foreach (var login in credentials)
        {
            map[login.ServerAddress] = new Dictionary<string, string>
            {
                ["username"] = login.Username,
                ["password"] = login.Password.Reveal(),
                ["serveraddress"] = login.ServerAddress,
            };
        }
        return new Secret(Encode(JsonSerializer.Serialize(map)));
    }

    internal static string Encode(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_');

    internal static string Decode(string header) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));
}
