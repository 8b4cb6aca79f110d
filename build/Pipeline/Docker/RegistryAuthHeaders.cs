using System.Text;
using System.Text.Json;
using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>
/// The two headers that carry registry logins to the engine. Both are base64url (with padding, as the docker CLI
/// writes them) of JSON. They hold the password, so they are built as <see cref="Secret"/>s and never logged.
/// </summary>
public static class RegistryAuthHeaders
{
    public const string AuthHeader = "X-Registry-Auth";
    public const string ConfigHeader = "X-Registry-Config";

    /// <summary>For pull and push: one login. Anonymous is "{}", which the engine reads as "no credentials".</summary>
    public static Secret RegistryAuth(RegistryCredentials? credentials)
    {
        var json = credentials is null
            ? "{}"
            : JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["username"] = credentials.Username,
                ["password"] = credentials.Password.Reveal(),
                ["serveraddress"] = credentials.ServerAddress,
            });
        return new Secret(Encode(json));
    }

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
