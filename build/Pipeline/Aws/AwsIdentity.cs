using Amazon.Runtime;

namespace Pipeline.Aws;

/// <summary>Resolved credentials and a human name for where they came from, for error messages.</summary>
public sealed record AwsIdentity(ImmutableCredentials Credentials, string Source)
{
    public override string ToString() => $"AWS credentials from {Source}";
}
