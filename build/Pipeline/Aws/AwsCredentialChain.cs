using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Pipeline.Config;

namespace Pipeline.Aws;

/// <summary>
/// Finds AWS credentials the way every AWS tool does (environment, shared profile, web identity / OIDC, container
/// and instance roles), through the official SDK, and names the source that was used or the ones that were tried.
/// </summary>
public static class AwsCredentialChain
{
    public const string Fix =
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials, " +
        "or (GitHub Actions OIDC) AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE.";

    public static async Task<AwsIdentity> ResolveAsync(CancellationToken cancellation)
    {
        AWSCredentials credentials;
        try
        {
            // A resolver of our own rather than the SDK's process-wide one, whose cache outlives the call; the run
            // keeps the identity itself (AwsAccess), so this resolves once per run.
            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            credentials = await resolver.ResolveIdentityAsync(null!, cancellation);
        }
        catch (AmazonClientException e)
        {
            throw new PipelineException("No AWS credentials were found", Fix, Redactor.Redact(e.Message));
        }
        return await ToIdentityAsync(credentials, SourceName(credentials), cancellation);
    }

    /// <summary>A named profile of a given credentials file: the sandbox's own keys.</summary>
    public static async Task<AwsIdentity> FromProfileAsync(string credentialsFile, string profileName, CancellationToken cancellation)
    {
        if (!File.Exists(credentialsFile))
            throw new PipelineException($"The sandbox's AWS credentials file {credentialsFile} is missing", "Run sandbox/up.sh.");
        var file = new SharedCredentialsFile(credentialsFile);
        if (!file.TryGetProfile(profileName, out var profile) || !AWSCredentialsFactory.TryGetAWSCredentials(profile, file, out var credentials))
            throw new PipelineException($"Profile '{profileName}' in {credentialsFile} holds no usable credentials", "Run sandbox/up.sh to write it again.");
        return await ToIdentityAsync(credentials, $"profile '{profileName}' in {credentialsFile}", cancellation);
    }

    private static async Task<AwsIdentity> ToIdentityAsync(AWSCredentials credentials, string source, CancellationToken cancellation)
    {
        ImmutableCredentials resolved;
        try
        {
            resolved = await credentials.GetCredentialsAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or TimeoutException)
        {
            throw new PipelineException($"AWS credentials from {source} could not be obtained", Fix, Redactor.Redact(e.Message));
        }
        Redactor.Register(resolved.SecretKey);
        if (resolved.UseToken) Redactor.Register(resolved.Token);
        return new AwsIdentity(resolved, source);
    }

    private static string SourceName(AWSCredentials credentials) => credentials.GetType().Name switch
    {
        "EnvironmentVariablesAWSCredentials" => "environment variables (AWS_ACCESS_KEY_ID)",
        "AssumeRoleWithWebIdentityCredentials" => "web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)",
        "BasicAWSCredentials" or "SessionAWSCredentials" or "AssumeRoleAWSCredentials" or "SSOAWSCredentials" =>
            $"shared profile '{Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default"}'",
        "ECSTaskCredentials" or "GenericContainerCredentials" => "the container's task role",
        "DefaultInstanceProfileAWSCredentials" or "InstanceProfileAWSCredentials" => "the EC2 instance profile",
        var other => other,
    };
}
