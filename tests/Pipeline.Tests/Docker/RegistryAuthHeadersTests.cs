using System.Text;
using System.Text.Json;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class RegistryAuthHeadersTests
{
    // System.Text.Json writes '+' as \u002B, so the password alone cannot put '+' into the base64; runs of '~'
    // (0x7E) and '?' (0x3F) make every alignment of the JSON encode to "fn5+" and "Pz8/" in standard base64.
    private const string Password = "s3cret+/~~~~~~??????pass";

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
        using var json = JsonDocument.Parse(Base64Url.DecodeText(header));
        Assert.Equal(Password, json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("password").GetString());
        Assert.Equal("pipeline", json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("username").GetString());
        Assert.Equal("ci", json.RootElement.GetProperty("registry.example.com").GetProperty("username").GetString());
        Assert.Equal("registry.example.com", json.RootElement.GetProperty("registry.example.com").GetProperty("serveraddress").GetString());
    }

    [Fact]
    public void Registry_config_is_base64url_where_standard_base64_would_have_plus_and_slash()
    {
        var header = RegistryAuthHeaders.RegistryConfig([Login]).Reveal();
        var bytes = Base64Url.Decode(header);
        // The input is one that standard base64 cannot write without both characters base64url replaces.
        var standard = Convert.ToBase64String(bytes);
        Assert.Contains('+', standard);
        Assert.Contains('/', standard);
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        Assert.Equal(standard.Replace('+', '-').Replace('/', '_'), header);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(Password, json.RootElement.GetProperty("127.0.0.1:5000").GetProperty("password").GetString());
    }

    [Fact]
    public void The_modules_own_decoder_reads_what_an_independent_base64url_encoder_writes()
    {
        const string text = """{"a":"~~~~~~??????"}""";
        var standard = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        Assert.Contains('+', standard);
        Assert.Contains('/', standard);
        Assert.Equal(text, RegistryAuthHeaders.Decode(standard.Replace('+', '-').Replace('/', '_')));
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

    /// <summary>
    /// RFC 4648 section 5 decoding written out by hand, so the test shares no code with the module: only A-Z, a-z,
    /// 0-9, '-' and '_', with '=' padding at the end; a '+' or '/' is refused.
    /// </summary>
    private static class Base64Url
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        public static string DecodeText(string text) => Encoding.UTF8.GetString(Decode(text));

        public static byte[] Decode(string text)
        {
            Assert.True(text.Length % 4 == 0, $"base64url with padding has a length that is a multiple of 4, not {text.Length}");
            var body = text.TrimEnd('=');
            Assert.InRange(text.Length - body.Length, 0, 2);
            var bytes = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (var c in body)
            {
                var value = Alphabet.IndexOf(c);
                Assert.True(value >= 0, $"'{c}' is not in the base64url alphabet");
                buffer = (buffer << 6) | value;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    bytes.Add((byte)(buffer >> bits));
                    buffer &= (1 << bits) - 1;
                }
            }
            return [.. bytes];
        }
    }
}
