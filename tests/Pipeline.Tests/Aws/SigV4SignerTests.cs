using System.Text;
using Amazon.Runtime;
using Pipeline.Aws;

namespace Pipeline.Tests.Aws;

/// <summary>Signatures checked against AWS's published get-vanilla vector and against what botocore signs.</summary>
public class SigV4SignerTests
{
    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void The_published_get_vanilla_example_signs_identically()
    {
        var headers = SigV4Signer.Sign(HttpMethod.Get, new Uri("https://example.amazonaws.com/"), new Dictionary<string, string>(), [],
            new ImmutableCredentials(AccessKey, SecretKey, null), "us-east-1", "service", SignedAt);
        Assert.Equal("20150830T123600Z", headers["X-Amz-Date"]);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            headers["Authorization"]);
    }

    [Fact]
    public void An_ECR_JSON_call_signs_as_botocore_signs_it()
    {
        var body = Encoding.UTF8.GetBytes("""{"repositoryName":"sample-app","imageIds":[{"imageTag":"develop-abc1234"}]}""");
        var headers = SigV4Signer.Sign(HttpMethod.Post, new Uri("http://127.0.0.1:4566/"),
            new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-amz-json-1.1",
                ["X-Amz-Target"] = "AmazonEC2ContainerRegistry_V20150921.DescribeImages",
            },
            body, new ImmutableCredentials(AccessKey, SecretKey, null), "us-east-1", "ecr", SignedAt);
        Assert.EndsWith(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=2fb65f6dc39e9050eb89276d34667b6bd84dffaed209d7a841301a3fe8b1b312",
            headers["Authorization"]);
    }

    [Fact]
    public void A_session_token_is_sent_and_signed()
    {
        var headers = SigV4Signer.Sign(HttpMethod.Post, new Uri("https://ecs.us-east-1.amazonaws.com/"),
            new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-amz-json-1.1",
                ["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113.ListClusters",
            },
            "{}"u8.ToArray(), new ImmutableCredentials(AccessKey, SecretKey, "session-token-example"), "eu-west-1", "ecs", SignedAt);
        Assert.Equal("session-token-example", headers["X-Amz-Security-Token"]);
        Assert.EndsWith(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, " +
            "Signature=ad1ffdb63ae7864510aaa85be4774f0de98dbc848882fd26da90d10ff6bbad61",
            headers["Authorization"]);
    }
}
