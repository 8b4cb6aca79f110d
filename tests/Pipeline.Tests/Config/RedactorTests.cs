using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Config;

/// <summary>
/// A secret leaks in the forms tools write it in, not only as itself: base64 and base64url, URL-encoded, inside a
/// JSON string, and as base64("user:password") in registry logins. And a secret pasted with a final newline is used
/// and echoed without it. Every test registers values of its own: the redactor is shared by the whole process.
/// </summary>
public sealed class RedactorTests
{
    private const string Mask = Redactor.Mask;

    private static string Unique(string stem) => stem + Guid.NewGuid().ToString("N")[..10];

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(string text) => Base64(text).Replace('+', '-').Replace('/', '_');

    [Fact]
    public void The_raw_value_and_its_standard_base64_are_masked_as_before()
    {
        var secret = Unique("raw-");
        Redactor.Register(secret);
        Assert.Equal($"a {Mask} b", Redactor.Redact($"a {secret} b"));
        Assert.Equal($"auth {Mask}", Redactor.Redact("auth " + Base64(secret)));
    }

    [Fact]
    public void Base64url_with_and_without_padding_is_masked()
    {
        // "??>" and "~~~" give base64 with '/' and '+', which base64url writes as '_' and '-'.
        var secret = Unique("??>~~~") + "?";
        Redactor.Register(secret);
        Assert.NotEqual(Base64(secret), Base64Url(secret));
        Assert.Equal($"token={Mask};", Redactor.Redact($"token={Base64Url(secret)};"));
        Assert.Equal($"token={Mask};", Redactor.Redact($"token={Base64Url(secret).TrimEnd('=')};"));
        Assert.Equal($"token={Mask};", Redactor.Redact($"token={Base64(secret).TrimEnd('=')};"));
    }

    [Fact]
    public void The_URL_encoded_forms_are_masked()
    {
        var secret = Unique("p@ss w/rd&x=1!é");
        Redactor.Register(secret);
        Assert.Equal($"https://u:{Mask}@host/", Redactor.Redact($"https://u:{Uri.EscapeDataString(secret)}@host/"));
        Assert.Equal($"password={Mask}&user=u", Redactor.Redact($"password={WebUtility.UrlEncode(secret)}&user=u"));
        Assert.Equal($"password={Mask}&user=u", Redactor.Redact($"password={Uri.EscapeDataString(secret).ToLowerInvariant()}&user=u"));
    }

    [Fact]
    public void The_JSON_escaped_forms_are_masked()
    {
        var secret = Unique("quote\"back\\slash<tag>&'+é");
        Redactor.Register(secret);
        var strict = JsonSerializer.Serialize(new { password = secret });
        var relaxed = JsonSerializer.Serialize(new { password = secret }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Equal($"{{\"password\":\"{Mask}\"}}", Redactor.Redact(strict));
        Assert.Equal($"{{\"password\":\"{Mask}\"}}", Redactor.Redact(relaxed));
    }

    [Fact]
    public void A_registry_login_masks_the_base64_of_user_colon_password_as_registries_and_docker_config_write_it()
    {
        var password = Unique("pw-");
        _ = new RegistryCredentials("registry.example.com", "ci-user", new Secret(password));
        Assert.Equal($"Authorization: Basic {Mask}", Redactor.Redact("Authorization: Basic " + Base64("ci-user:" + password)));
        Assert.Equal($"\"auth\": \"{Mask}\"", Redactor.Redact($"\"auth\": \"{Base64Url("ci-user:" + password)}\""));
    }

    [Fact]
    public void A_value_with_a_final_newline_is_also_masked_without_it()
    {
        var secret = Unique("pasted-");
        Redactor.Register(secret + "\r\n");
        Assert.Equal($"docker said: {Mask}", Redactor.Redact("docker said: " + secret));
        Assert.Equal($"b64 {Mask}", Redactor.Redact("b64 " + Base64(secret)));
    }

    [Fact]
    public void A_secret_from_the_environment_with_a_final_newline_is_masked_trimmed()
    {
        var secret = Unique("env-pasted-");
        SettingsResolver.Resolve(new Dictionary<string, string>(), name => name == "REGISTRY_PASSWORD" ? secret + "\n" : null, null);
        Assert.Equal($"login with {Mask} failed", Redactor.Redact($"login with {secret} failed"));
    }

    [Fact]
    public void A_secret_of_one_to_three_characters_is_masked_as_a_whole_word_only()
    {
        // Short values are unlikely but legal (a test registry's "pw"): masked where they stand alone, not inside
        // other words, or every log line would be shredded.
        Redactor.Register("Q7z");
        Redactor.Register("Ж");
        Assert.Equal($"user:{Mask}@registry", Redactor.Redact("user:Q7z@registry"));
        Assert.Equal($"password \"{Mask}\" refused", Redactor.Redact("password \"Q7z\" refused"));
        Assert.Equal("Q7zebra and xQ7z stay", Redactor.Redact("Q7zebra and xQ7z stay"));
        Assert.Equal($"flag -{Mask} given", Redactor.Redact("flag -Ж given"));
        Assert.Equal("Жук job", Redactor.Redact("Жук job"));
    }
}
