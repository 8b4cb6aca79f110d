using AwsEndpoint;

// Usage: AwsEndpoint [--StateDir DIR] [--Port 4566] [--Region us-east-1] [--AccountId 000000000000]
//                    [--RegistryUrl http://127.0.0.1:5000] [--CredentialsFile F] [--RegistryPasswordFile F]
//                    [--EcsTickSeconds 2] [--EcsHealthGraceSeconds 10] [--EcsStopGraceSeconds 5] [--DockerHost unix:///var/run/docker.sock]
var config = new ConfigurationBuilder().AddCommandLine(args).Build();
var app = EndpointHost.Create(EndpointOptions.FromConfiguration(config));
await app.RunAsync();
