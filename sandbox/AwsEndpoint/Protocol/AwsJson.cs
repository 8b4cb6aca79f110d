using System.Text.Json;
using System.Text.Json.Serialization;

namespace AwsEndpoint.Protocol;

/// <summary>Serializer settings for AWS JSON 1.1 bodies: camelCase member names exactly as in the models
/// (case-sensitive, as AWS is), absent members instead of nulls, timestamps as epoch seconds.</summary>
public static class AwsJson
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new EpochSecondsConverter() },
    };

    /// <summary>The request body as the operation's input record; malformed JSON is AWS's SerializationException.</summary>
    public static T Read<T>(JsonElement input) where T : class
    {
        try
        {
            return input.Deserialize<T>(Options) ?? throw new JsonException("null body");
        }
        catch (JsonException e)
        {
            throw new AwsServiceException("SerializationException", $"Cannot deserialize the request: {e.Message}");
        }
    }
}

/// <summary>The JSON protocol sends timestamps as epoch seconds (a number, fractions allowed), which is what
/// botocore's parser and AWSSDK expect; ISO strings would be misread or rejected.</summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(Math.Round(value.ToUnixTimeMilliseconds() / 1000.0, 3));
}
