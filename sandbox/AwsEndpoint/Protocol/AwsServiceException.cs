using System.Net;

namespace AwsEndpoint.Protocol;

/// <summary>An error the client sees as AWS's JSON error shape: <c>{"__type": Code, "message": ...}</c> plus the
/// <c>x-amzn-ErrorType</c> header. Codes are AWS's own, so SDKs map them to their modeled exception types.</summary>
public sealed class AwsServiceException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
    : Exception(message)
{
    public string Code { get; } = code;
    public HttpStatusCode Status { get; } = status;

    // Coral's schema validation error; used when a request breaks a constraint of the model (required, pattern, range).
    public static AwsServiceException Validation(string message) => new("ValidationException", message);
    public static AwsServiceException InvalidParameter(string message) => new("InvalidParameterException", message);

    /// <summary>The model's enum check: null (left out) passes, anything else must be one of <paramref name="allowed"/>.</summary>
    public static void CheckEnum(string member, string? value, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            throw Validation($"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
    }
}
