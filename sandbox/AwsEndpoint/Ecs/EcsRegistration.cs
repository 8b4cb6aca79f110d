using AwsEndpoint.Ecs.Engine;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>ECS's services in the endpoint's container: state, engine client, scheduler and the JSON service.</summary>
public static class EcsRegistration
{
    public static IServiceCollection AddEcs(this IServiceCollection services, EndpointOptions options)
    {
        services.AddSingleton(sp => new EcsState(options, sp.GetRequiredService<TimeProvider>()));
        // Tasks pull from the sandbox registry with its pipeline login, read per pull (the password may be regenerated).
        services.AddSingleton(_ => new TaskEngine(options.Ecs.DockerHost, registry =>
            registry == options.RegistryHost && File.Exists(options.RegistryPasswordPath)
                ? (options.RegistryUser, File.ReadAllText(options.RegistryPasswordPath).TrimEnd('\n', '\r'))
                : null));
        services.AddSingleton(sp => new EcsScheduler(sp.GetRequiredService<EcsState>(), sp.GetRequiredService<TaskEngine>(), options.Ecs,
            EcsSettings.InstanceId(options.StateDir), sp.GetRequiredService<ILogger<EcsScheduler>>()));
        services.AddHostedService(sp => sp.GetRequiredService<EcsScheduler>());
        services.AddSingleton<IAwsJsonService, EcsService>();
        return services;
    }
}
