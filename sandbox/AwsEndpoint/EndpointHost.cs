using System.Net;
using AwsEndpoint.Auth;
using AwsEndpoint.Ecr;
using AwsEndpoint.Ecs;
using AwsEndpoint.Protocol;
using AwsEndpoint.Registry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace AwsEndpoint;

/// <summary>Builds the web app: Kestrel on loopback only, the JSON protocol on POST /, a plain answer on GET /
/// (what sandbox/up.sh polls). Tests build it the same way with their own options and port 0.</summary>
public static class EndpointHost
{
    /// <param name="logging">Replaces the console log (tests route it elsewhere).</param>
    public static WebApplication Create(EndpointOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.ClearProviders();
        (logging ?? (l => l.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ "; o.UseUtcTimestamp = true; })))(builder.Logging);
        // Framework request logs would repeat each request (with its path and headers); ours is the one line.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SandboxCredentialStore(options.CredentialsPath));
        services.AddSingleton(sp => new SigV4Verifier(sp.GetRequiredService<SandboxCredentialStore>(), options.Region, sp.GetRequiredService<TimeProvider>()));
        // Every registry call has a timeout: a wedged registry must fail the AWS call, not hang the client.
        services.AddSingleton(new RegistryApiClient(
            new HttpClient { BaseAddress = new Uri(options.RegistryUrl), Timeout = TimeSpan.FromSeconds(20) },
            options.RegistryUser, options.RegistryPasswordPath));
        services.AddSingleton(new EcrRepositoryRecords(options.EcrRepositoriesPath));
        services.AddSingleton<EcrRegistryView>();
        services.AddSingleton<IAwsJsonService, EcrService>();
        services.AddEcs(options);
        services.AddSingleton<AwsJsonProtocol>();

        var app = builder.Build();
        app.MapGet("/", () => Results.Text("sandbox AWS endpoint (ECR, ECS); AWS JSON 1.1 on POST /\n"));
        app.MapPost("/", (HttpContext http, AwsJsonProtocol protocol) => protocol.HandleAsync(http));
        return app;
    }

    /// <summary>The address Kestrel actually bound (port 0 resolves to a free port at start).</summary>
    public static Uri BoundAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
}
