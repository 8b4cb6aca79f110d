using AwsEndpoint.Auth;

namespace AwsEndpoint.Tests.SigV4;

/// <summary>AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE, 20150830T123600Z,
/// us-east-1/service) and the S3 "GET Object" example: canonical request, string to sign and signature must
/// come out byte for byte.</summary>
public sealed class SigV4CanonicalTests
{
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteDate = "20150830T123600Z";
    private const string SuiteScope = "20150830/us-east-1/service/aws4_request";

    private static Func<string, IReadOnlyList<string>> Headers(params (string Name, string Value)[] headers) =>
        name => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();

    private static readonly Func<string, IReadOnlyList<string>> SuiteHeaders =
        Headers(("Host", "example.amazonaws.com"), ("X-Amz-Date", SuiteDate));

    private static string SuiteSignature(string canonicalRequest) =>
        SigV4Canonical.Signature(SigV4Canonical.SigningKey(SuiteSecret, "20150830", "us-east-1", "service"),
            SigV4Canonical.StringToSign(SuiteDate, SuiteScope, canonicalRequest));

    [Fact]
    public void Get_vanilla_matches_the_published_canonical_request_string_to_sign_and_signature()
    {
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/", "", ["host", "x-amz-date"], SuiteHeaders, SigV4Canonical.EmptyPayloadHash);

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4Canonical.EmptyPayloadHash, canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            SigV4Canonical.StringToSign(SuiteDate, SuiteScope, canonical));
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SuiteSignature(canonical));
    }

    [Fact]
    public void Get_vanilla_query_order_key_case_sorts_parameters_by_name()
    {
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/", "Param2=value2&Param1=value1", ["host", "x-amz-date"], SuiteHeaders, SigV4Canonical.EmptyPayloadHash);

        Assert.Equal("Param1=value1&Param2=value2", canonical.Split('\n')[2]);
        Assert.EndsWith("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0", SigV4Canonical.StringToSign(SuiteDate, SuiteScope, canonical));
        Assert.Equal("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", SuiteSignature(canonical));
    }

    [Fact]
    public void Post_vanilla_signs_the_empty_body()
    {
        var canonical = SigV4Canonical.CanonicalRequest("POST", "/", "", ["host", "x-amz-date"], SuiteHeaders, SigV4Canonical.EmptyPayloadHash);
        Assert.Equal("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", SuiteSignature(canonical));
    }

    [Fact]
    public void Post_x_www_form_urlencoded_signs_the_content_type_and_the_body_hash()
    {
        var headers = Headers(("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"), ("X-Amz-Date", SuiteDate));
        var canonical = SigV4Canonical.CanonicalRequest("POST", "/", "", ["content-type", "host", "x-amz-date"], headers,
            SigV4Canonical.HexSha256("Param1=value1"u8));
        Assert.Equal("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", SuiteSignature(canonical));
    }

    [Fact]
    public void Get_header_value_trim_trims_and_collapses_inner_spaces()
    {
        var headers = Headers(("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), ("X-Amz-Date", SuiteDate));
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/", "", ["host", "my-header1", "my-header2", "x-amz-date"], headers, SigV4Canonical.EmptyPayloadHash);

        Assert.Contains("my-header1:value1\nmy-header2:\"a b c\"\n", canonical);
        Assert.Equal("acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736", SuiteSignature(canonical));
    }

    [Fact]
    public void Post_header_value_case_keeps_the_value_case()
    {
        var headers = Headers(("Host", "example.amazonaws.com"), ("My-Header1", "VALUE1"), ("X-Amz-Date", SuiteDate));
        var canonical = SigV4Canonical.CanonicalRequest("POST", "/", "", ["host", "my-header1", "x-amz-date"], headers, SigV4Canonical.EmptyPayloadHash);
        Assert.Equal("cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d", SuiteSignature(canonical));
    }

    [Fact]
    public void Get_relative_relative_normalizes_dot_segments_to_the_root()
    {
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/example1/example2/../..", "", ["host", "x-amz-date"], SuiteHeaders, SigV4Canonical.EmptyPayloadHash);
        Assert.Equal("/", canonical.Split('\n')[1]);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SuiteSignature(canonical));
    }

    // Non-S3 services encode the (already encoded) path a second time; the expected value is botocore's.
    [Fact]
    public void Path_is_uri_encoded_twice_like_botocore_does_for_non_s3_services()
    {
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/example%20space/", "", ["host", "x-amz-date"], SuiteHeaders, SigV4Canonical.EmptyPayloadHash);
        Assert.Equal("/example%2520space/", canonical.Split('\n')[1]);
        Assert.Equal("446b817944c553435b35e813c261ff4e161fff982d1bacdef1c87f6785dd1662", SuiteSignature(canonical));
    }

    [Fact]
    public void S3_get_object_example_from_the_sigv4_documentation()
    {
        var headers = Headers(("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", SigV4Canonical.EmptyPayloadHash), ("x-amz-date", "20130524T000000Z"));
        var canonical = SigV4Canonical.CanonicalRequest("GET", "/test.txt", "", ["host", "range", "x-amz-content-sha256", "x-amz-date"], headers, SigV4Canonical.EmptyPayloadHash);
        var stringToSign = SigV4Canonical.StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical);

        Assert.Equal("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + SigV4Canonical.EmptyPayloadHash +
            "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + SigV4Canonical.EmptyPayloadHash, canonical);
        Assert.EndsWith("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972", stringToSign);
        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", SigV4Canonical.Signature(
            SigV4Canonical.SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"), stringToSign));
    }

    [Fact]
    public void Query_values_are_reencoded_with_rfc3986_unreserved_characters_only()
    {
        Assert.Equal("a=b%20c&a=b%2Bc&z=~-._", SigV4Canonical.CanonicalQuery("z=~-._&a=b%2Bc&a=b%20c"));
    }
}
