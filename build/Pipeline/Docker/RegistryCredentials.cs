using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>A login for one registry. <see cref="ServerAddress"/> is as in an image name: host[:port], no scheme.</summary>
public sealed record RegistryCredentials(string ServerAddress, string Username, Secret Password);
