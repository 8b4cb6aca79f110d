using System.Text;
using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Registry;
using Pipeline.Tests.Config;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Registry;

/// <summary>
/// A registry that is not ECR, logged in to with REGISTRY_USER / REGISTRY_PASSWORD, against the sandbox's real
/// registry (basic auth, user pipeline). The login the run makes is used for a pull of an image the registry holds:
/// the engine sends it to the registry, which accepts or refuses it. These tests fail, never skip, without the
/// engine or the registry (sandbox/up.sh provides both).
/// </summary>
public sealed class RegistryBasicLoginTests : IDisposable
{
    private static readonly TargetGraph Graph = new([new TargetInfo("Push", "", [])], "Push");
    private static readonly string PasswordFile = Path.Combine(SandboxAwsCli.SandboxDir, "registry", "password");
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly TestRepository _repository = new();
    private readonly StringWriter _printed = new();
    private readonly TextWriter _console = Log.Out;

    public RegistryBasicLoginTests()
    {
        Log.Out = TextWriter.Synchronized(_printed);
    }

    public void Dispose()
    {
        Log.Out = _console;
        _engine.Dispose();
        _repository.Dispose();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Password => File.Exists(PasswordFile)
        ? File.ReadAllText(PasswordFile).Trim()
        : throw new InvalidOperationException($"{PasswordFile} is missing: run sandbox/up.sh.");

    /// <summary>The run's context off the sandbox, for a plain registry at the sandbox registry's address.</summary>
    private StageContext Context(string? user, string? password)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ECR_URL"] = SandboxProfile.Registry,
            ["PIPELINE_SANDBOX"] = "off",
        };
        if (user is not null) environment["REGISTRY_USER"] = user;
        if (password is not null) environment["REGISTRY_PASSWORD"] = password;
        return new StageContext(_repository.Resolve(environment), "login-" + Guid.NewGuid().ToString("N")[..8], () => _engine, Graph);
    }

    private static void AssertNowhere(string secret, params string?[] texts)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(SandboxProfile.RegistryUser + ":" + secret));
        // Not Assert.DoesNotContain: its failure message would print the text, password and all.
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.False((texts[i] ?? "").Contains(secret, StringComparison.Ordinal), $"text {i} holds the password");
            Assert.False((texts[i] ?? "").Contains(basic, StringComparison.Ordinal), $"text {i} holds base64(user:password)");
        }
    }

    [Fact]
    public async Task The_registry_user_and_password_log_in_to_a_registry_that_needs_them()
    {
        var password = Password;
        var context = Context(SandboxProfile.RegistryUser, password);
        Assert.False(context.Settings.IsSandbox);
        Assert.Equal("basic", RegistryLogin.Mode(context.Settings));

        var login = await context.RegistryLoginAsync(Cancellation);

        Assert.NotNull(login);
        Assert.Equal(SandboxProfile.Registry, login.ServerAddress);
        Assert.Equal(SandboxProfile.RegistryUser, login.Username);
        // The registry needs a login at all (else the next pull proves nothing) ...
        var anonymous = await Assert.ThrowsAsync<PipelineException>(() => _engine.Images.PullAsync(SandboxProfile.RedisImage, null, Cancellation));
        Assert.Contains("needs a login", anonymous.Message);
        // ... and takes this one.
        await _engine.Images.PullAsync(SandboxProfile.RedisImage, login, Cancellation);
        Assert.NotNull(await _engine.Images.InspectAsync(SandboxProfile.RedisImage, Cancellation));
        AssertNowhere(password, _printed.ToString(), login.ToString(), login.Password.ToString());
    }

    [Fact]
    public async Task A_wrong_registry_password_fails_as_a_refused_login_without_printing_it()
    {
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var context = Context(SandboxProfile.RegistryUser, wrong);
        var login = await context.RegistryLoginAsync(Cancellation);

        var failure = await Assert.ThrowsAsync<PipelineException>(() => _engine.Images.PullAsync(SandboxProfile.RedisImage, login, Cancellation));

        Assert.Equal($"Registry {SandboxProfile.Registry} refused the login while pulling {SandboxProfile.RedisImage} (authentication failed)", failure.Message);
        Assert.Contains("username and password", failure.Fix);
        AssertNowhere(wrong, failure.Message, failure.Fix, failure.Detail, failure.ToString(), _printed.ToString());
        ErrorReport.Print("Restore", failure);
        AssertNowhere(wrong, _printed.ToString());
    }

    [Fact]
    public async Task Only_one_of_user_and_password_is_refused_before_anything_is_sent()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Context(SandboxProfile.RegistryUser, null).RegistryLoginAsync(Cancellation));
        Assert.Equal("Only one of REGISTRY_USER and REGISTRY_PASSWORD is set", failure.Message);
    }
}
