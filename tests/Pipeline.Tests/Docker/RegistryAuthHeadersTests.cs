using System.Text.Json;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class RegistryAuthHeadersTests
{
    private const string Password = "s3cret+/pass?word";

    private static readonly RegistryCredentials Login = new("127.0.0.1:5000", "pipeline", new Secret(Password));

    [Fact]
    public void Registry_auth_is_base64url_json_of_one_login()
    {
        var header = RegistryAuthHeaders.RegistryAuth(Login).Reveal();
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        using var json = JsonDocument.Parse(RegistryAuthHeaders.Decode(header));
        Assert.Equal("pipeline", json.RootElement.GetProperty("username").GetString());
        Assert.Equal(Password, json.RootElement.GetProperty("password").GetString());
        Assert.Equal("127.0.0.1:5000", json.RootElement.GetProperty("serveraddress").GetString());
    }

    [Fact]
    public void Anonymous_registry_auth_is_an_empty_object()
    {
        Assert.Equal("{}", RegistryAuthHeaders.Decode(RegistryAuthHeaders.RegistryAuth(null).Reveal()));
    }

    [Fact]
    public void Registry_config_maps_each_server_to_its_login()
    {
        var other = new RegistryCredentials("registry.example.com", "ci", new Secret("other-password"));
        var header = RegistryAuthHeaders.RegistryConfig([Login, other]).Reveal();
        using var json = JsonDocument.Parse(RegistryAuthHeaders.Decode(header));
        Assert.Equal(Password, json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("password").GetString());
        Assert.Equal("ci", json.RootElement.GetProperty("registry.example.com").GetProperty("username").GetString());
    }

    [Fact]
    public void Password_never_shows_in_text_of_credentials_headers_or_requests()
    {
        var auth = RegistryAuthHeaders.RegistryAuth(Login);
        var pull = ImageOperations.PullRequest(ImageReference.Parse("127.0.0.1:5000/app:1"), Login);
        var build = ImageBuilds.ToDockerRequest(new ImageBuildRequest("/ctx") { Credentials = [Login] });
        foreach (var text in new[] { Login.ToString(), auth.ToString(), pull.ToString(), build.ToString() })
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(auth.Reveal(), text);
        }
        Assert.Contains("[REDACTED]", Login.ToString());
    }

    [Fact]
    public void Header_value_is_masked_if_it_ever_reaches_a_log_line()
    {
        var header = RegistryAuthHeaders.RegistryAuth(Login).Reveal();
        Assert.Equal("auth: [REDACTED]", Redactor.Redact("auth: " + header));
    }
}
