using System.Net;

namespace Pipeline.Aws;

/// <summary>An error answered by an AWS service, with AWS's own error code.</summary>
public sealed class AwsServiceException(string what, string fix, string code, HttpStatusCode status, string? detail)
    : PipelineException(what, fix, detail)
{
    public string Code { get; } = code;

    public HttpStatusCode Status { get; } = status;

    public bool IsThrottling => Code is "ThrottlingException" or "Throttling" or "TooManyRequestsException"
        or "RequestLimitExceeded" or "ProvisionedThroughputExceededException";

    public bool IsRetryable => IsThrottling || (int)Status >= 500;
}
