using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AwsEndpoint.Ecr;
using AwsEndpoint.Ecr.Shapes;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Shapes;

/// <summary>Drift guard: the endpoint's ECR records and its live responses against the official
/// ecr/2015-09-21/service-2.json that Debian's awscli ships.</summary>
public sealed class EcrShapeTests(TestEndpoint endpoint)
{
    private static readonly ServiceModel Model = ServiceModel.Load(SandboxPaths.EcrModel);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Errors any AWS JSON service may return besides the operation's modeled ones (auth, protocol, validation).
    private static readonly string[] CommonErrors =
    [
        "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
        "UnknownOperationException", "SerializationException", "ValidationException", "InternalFailure",
    ];

    private static EcrService Service()
    {
        var options = new EndpointOptions { StateDir = Path.GetTempPath() };
        var view = new EcrRegistryView(options, new Registry.RegistryApiClient(new HttpClient(), "u", "/nonexistent"), new EcrRepositoryRecords("/nonexistent"));
        return new EcrService(view, TimeProvider.System);
    }

    [Fact]
    public void Service_uses_the_models_target_prefix_and_signing_name()
    {
        var service = Service();
        Assert.Equal(Model.Metadata("targetPrefix"), service.TargetPrefix);
        Assert.Equal(Model.Metadata("signingName"), service.SigningName);
        Assert.Equal("1.1", Model.Metadata("jsonVersion"));
        Assert.All(service.Operations.Keys, op => Model.Operation(op));
    }

    public static TheoryData<string> ShapeRecords() =>
        new(typeof(Repository).Assembly.GetTypes().Where(t => t.Namespace == typeof(Repository).Namespace && t.IsPublic).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(ShapeRecords))]
    public void Every_member_of_a_shape_record_exists_in_the_model_shape_of_the_same_name(string record)
    {
        Assert.True(Model.HasShape(record), $"{record} is not a shape of the ECR model");
        var type = typeof(Repository).Assembly.GetTypes().Single(t => t.Namespace == typeof(Repository).Namespace && t.Name == record);
        var members = Model.Members(record);
        var missing = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Where(n => !members.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"{record} has members the model does not: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_operation_uses_the_request_and_response_records_named_in_the_model()
    {
        foreach (var op in Service().Operations.Keys)
        {
            Assert.Equal(op + "Request", Model.InputShape(op));
            Assert.Equal(op + "Response", Model.OutputShape(op));
            Assert.NotNull(typeof(Repository).Assembly.GetType($"{typeof(Repository).Namespace}.{op}Response"));
        }
    }

    [Fact]
    public async Task Live_responses_of_every_operation_match_their_output_shapes()
    {
        var e = await endpoint.StartedAsync();
        var id = new { imageTag = e.Image.Tags[0] };
        var calls = new (string Op, object Input)[]
        {
            ("GetAuthorizationToken", new { }),
            ("DescribeRepositories", new { }),
            ("DescribeRepositories", new { maxResults = 1 }),
            ("DescribeRepositories", new { repositoryNames = new[] { TestEndpoint.Repository } }),
            ("CreateRepository", new { repositoryName = "sandbox-tests/shape-" + TestEndpoint.RandomText(8, "abcdefghij"), imageScanningConfiguration = new { scanOnPush = true } }),
            ("DescribeImages", new { repositoryName = TestEndpoint.Repository }),
            ("DescribeImages", new { repositoryName = TestEndpoint.Repository, imageIds = new[] { new { imageDigest = e.Image.Digest } } }),
            ("BatchGetImage", new { repositoryName = TestEndpoint.Repository, imageIds = new object[] { id, new { imageTag = "missing" }, new { imageDigest = "bad" } } }),
        };
        var violations = new List<string>();
        foreach (var (op, input) in calls)
        {
            var r = await SignedEcrClient.CallAsync(e.Url, e.Key, op, input, Ct);
            Assert.True(r.Status == HttpStatusCode.OK, $"{op}: HTTP {(int)r.Status} {r.Body}");
            Assert.Equal("application/x-amz-json-1.1", r.ContentType);
            violations.AddRange(Model.Violations(Model.OutputShape(op), r.Body, op));
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Theory]
    [InlineData("DescribeImages", """{"repositoryName":"sandbox-tests/no-such-repository"}""", "RepositoryNotFoundException")]
    [InlineData("DescribeImages", """{"repositoryName":"sandbox-tests/aws-endpoint","imageIds":[{"imageTag":"no-such-tag"}]}""", "ImageNotFoundException")]
    [InlineData("DescribeRepositories", """{"repositoryNames":["sandbox-tests/no-such-repository"]}""", "RepositoryNotFoundException")]
    [InlineData("BatchGetImage", """{"repositoryName":"sandbox-tests/no-such-repository","imageIds":[{"imageTag":"x"}]}""", "RepositoryNotFoundException")]
    [InlineData("CreateRepository", """{"repositoryName":"sandbox-tests/aws-endpoint"}""", "RepositoryAlreadyExistsException")]
    [InlineData("CreateRepository", """{"repositoryName":"Not Valid"}""", "InvalidParameterException")]
    public async Task Errors_are_modeled_codes_in_body_and_header(string op, string input, string code)
    {
        var e = await endpoint.StartedAsync();
        var r = await SignedEcrClient.CallAsync(e.Url, e.Key, op, JsonDocument.Parse(input).RootElement, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(code, r.Body.GetProperty("__type").GetString());
        Assert.Equal(code, r.ErrorTypeHeader);
        Assert.False(string.IsNullOrEmpty(r.Body.GetProperty("message").GetString()));
        Assert.Contains(code, Model.Errors(op).Concat(CommonErrors));
        if (Model.HasShape(code)) Assert.Empty(Model.Violations(code, r.Body.Clone().Without("__type"), code));
    }
}

internal static class JsonExtensions
{
    public static JsonElement Without(this JsonElement obj, string member)
    {
        var copy = obj.EnumerateObject().Where(p => p.Name != member).ToDictionary(p => p.Name, p => p.Value);
        return JsonSerializer.SerializeToElement(copy);
    }
}

public sealed class ServiceModelTests
{
    [Fact]
    public void The_shape_checker_flags_unknown_members_wrong_types_and_enum_values()
    {
        var model = ServiceModel.Load(SandboxPaths.EcrModel);
        var body = JsonDocument.Parse("""
            {"images":[],"failures":[{"imageId":{"imageTag":"x"},"failureCode":"NotACode","failureReason":"r","extra":1}],"nextToken":"t"}
            """).RootElement;
        var violations = model.Violations("BatchGetImageResponse", body, "r").ToList();
        Assert.Contains("r.failures[0].failureCode: 'NotACode' is not in the enum of ImageFailureCode", violations);
        Assert.Contains("r.failures[0].extra: not a member of ImageFailure", violations);
        Assert.Contains("r.nextToken: not a member of BatchGetImageResponse", violations);
        Assert.Contains("r.expiresAt: expected a number (ExpirationTimestamp, timestamps are epoch seconds)",
            model.Violations("AuthorizationData", JsonDocument.Parse("""{"expiresAt":"2026-01-01T00:00:00Z"}""").RootElement, "r"));
    }
}
