namespace Pipeline.Aws;

/// <summary>
/// Where one AWS service is called and how it is signed. The URL honours the standard AWS_ENDPOINT_URL_&lt;SERVICE&gt;
/// and AWS_ENDPOINT_URL variables, so the same code reaches AWS or the sandbox's endpoint.
/// </summary>
public sealed record AwsServiceEndpoint(string ServiceId, string SigningName, string TargetPrefix, Uri Url, string Region)
{
    public static AwsServiceEndpoint Ecr(string region, Func<string, string?> environment, Uri? sandbox = null) =>
        Resolve("ECR", "ecr", "AmazonEC2ContainerRegistry_V20150921", $"https://api.ecr.{region}.amazonaws.com", region, environment, sandbox);

    public static AwsServiceEndpoint Ecs(string region, Func<string, string?> environment, Uri? sandbox = null) =>
        Resolve("ECS", "ecs", "AmazonEC2ContainerServiceV20141113", $"https://ecs.{region}.amazonaws.com", region, environment, sandbox);

    private static AwsServiceEndpoint Resolve(
        string serviceId, string signingName, string targetPrefix, string awsUrl, string region,
        Func<string, string?> environment, Uri? sandbox)
    {
        // The one place a region becomes a host name; the settings have checked it, this makes sure.
        AwsRegionName.Require(region, "The region of the " + serviceId + " endpoint");
        var configured = environment($"AWS_ENDPOINT_URL_{serviceId}") ?? environment("AWS_ENDPOINT_URL");
        Uri url;
        if (configured is { Length: > 0 })
        {
            if (!Uri.TryCreate(configured, UriKind.Absolute, out url!) || url.Scheme is not ("http" or "https"))
                throw new PipelineException(
                    $"AWS endpoint URL '{configured}' is not an http(s) URL",
                    $"Fix AWS_ENDPOINT_URL_{serviceId} / AWS_ENDPOINT_URL, e.g. http://127.0.0.1:4566.");
        }
        else
        {
            url = sandbox ?? new Uri(awsUrl);
        }
        return new AwsServiceEndpoint(serviceId, signingName, targetPrefix, url, region);
    }
}
