using Pipeline.Cache;

namespace Pipeline.Tests.Cache;

public sealed class TarballCompressionTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> Codecs => ["none", "gzip", "gzip:1", "brotli", "brotli:2", "brotli:11"];

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Data_survives_compression_and_hashing(string name)
    {
        var compression = TarballCompression.Parse(name, "test");
        var original = new byte[3 << 20];
        new Random(7).NextBytes(original.AsSpan(0, 1 << 20)); // a third noise, the rest zeros: both kinds of layer
        using var file = new MemoryStream();
        string sha256;
        using (var hashed = new TarballHashStream(file))
        {
            await using (var compressor = compression.Compress(hashed)) await compressor.WriteAsync(original, Cancellation);
            sha256 = hashed.Sha256Hex;
            Assert.Equal(file.Length, hashed.Written);
        }
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.ToArray())), sha256);
        if (compression.Codec != TarballCodec.None) Assert.True(file.Length < original.Length / 2, $"{name}: {file.Length} bytes");

        file.Position = 0;
        using var restored = new MemoryStream();
        await using (var plain = compression.Decompress(file)) await plain.CopyToAsync(restored, Cancellation);
        Assert.Equal(original, restored.ToArray());
    }

    // Only gzip carries a checksum; brotli stores noise uncompressed and a flipped byte there passes unseen. That is
    // why the manifest's sha256 is checked before a tarball goes to the engine.
    [Fact]
    public async Task Damaged_gzip_data_fails_to_decompress()
    {
        var compression = TarballCompression.Parse("gzip", "test");
        var original = new byte[1 << 20];
        new Random(3).NextBytes(original);
        using var file = new MemoryStream();
        await using (var compressor = compression.Compress(file)) await compressor.WriteAsync(original, Cancellation);
        var bytes = file.ToArray();
        for (var i = 100; i < bytes.Length; i += 997) bytes[i] ^= 0x5a;

        await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using var plain = compression.Decompress(new MemoryStream(bytes));
            await plain.CopyToAsync(Stream.Null, Cancellation);
        });
    }

    [Theory]
    [InlineData("none", TarballCodec.None, 0, ".tar")]
    [InlineData("GZIP", TarballCodec.Gzip, 6, ".tar.gz")]
    [InlineData("gzip:1", TarballCodec.Gzip, 1, ".tar.gz")]
    [InlineData("brotli", TarballCodec.Brotli, 2, ".tar.br")]
    [InlineData("brotli:5", TarballCodec.Brotli, 5, ".tar.br")]
    public void Parses_codec_and_level(string text, TarballCodec codec, int level, string extension)
    {
        var compression = TarballCompression.Parse(text, "test");
        Assert.Equal(new TarballCompression(codec, level), compression);
        Assert.Equal(extension, compression.FileExtension);
        Assert.Equal(compression, TarballCompression.Parse(compression.ToString(), "test"));
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("gzip:10")]
    [InlineData("brotli:x")]
    [InlineData("none:1")]
    public void An_unknown_compression_names_the_setting(string text)
    {
        var failure = Assert.Throws<PipelineException>(() => TarballCompression.Parse(text, "IMAGE_CACHE_COMPRESSION"));
        Assert.Equal($"IMAGE_CACHE_COMPRESSION={text} is not a tarball compression", failure.Message);
        Assert.Contains("--cache-compression", failure.Fix);
    }
}
