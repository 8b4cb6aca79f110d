using System.Text.Json;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class RegistryAuthHeadersTests
{
    private const string Password = "s3cret+/pass?word";

    private static readonly RegistryCredentials Login = new("127.0.0.1:5000", "pipeline", new Secret(Password));

    [Fact]
    public void Pull_and_push_login_is_one_auth_config()
    {
        var auth = RegistryAuthHeaders.ToAuthConfig(Login)!;
        Assert.Equal("pipeline", auth.Username);
        Assert.Equal(Password, auth.Password);
        Assert.Equal("127.0.0.1:5000", auth.ServerAddress);
    }

    [Fact]
    public void Anonymous_pull_and_push_send_no_login()
    {
        Assert.Null(RegistryAuthHeaders.ToAuthConfig(null));
    }

    [Fact]
    public void Registry_config_maps_each_server_to_its_login()
    {
        var other = new RegistryCredentials("registry.example.com", "ci", new Secret("other-password"));
        var header = RegistryAuthHeaders.RegistryConfig([Login, other]).Reveal();
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        using var json = JsonDocument.Parse(RegistryAuthHeaders.Decode(header));
        Assert.Equal(Password, json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("password").GetString());
        Assert.Equal("ci", json.RootElement.GetProperty("registry.example.com").GetProperty("username").GetString());
    }

    [Fact]
    public void Password_never_shows_in_text_of_credentials_or_headers()
    {
        var config = RegistryAuthHeaders.RegistryConfig([Login]);
        var auth = RegistryAuthHeaders.ToAuthConfig(Login)!;
        foreach (var text in new[] { Login.ToString(), config.ToString(), auth.ToString()! })
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(config.Reveal(), text);
        }
        Assert.Contains("[REDACTED]", Login.ToString());
    }

    [Fact]
    public void Header_value_is_masked_if_it_ever_reaches_a_log_line()
    {
        var header = RegistryAuthHeaders.RegistryConfig([Login]).Reveal();
        Assert.Equal("auth: [REDACTED]", Redactor.Redact("auth: " + header));
    }
}
