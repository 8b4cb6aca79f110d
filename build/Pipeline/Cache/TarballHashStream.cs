using System.Security.Cryptography;

namespace Pipeline.Cache;

/// <summary>
/// A write-through stream that counts and hashes what reaches the file, so the manifest's sha256 and size come from
/// the bytes as written, without reading a half-gigabyte file a second time. It never closes the file it wraps:
/// the writer must flush it to disk before the rename.
/// </summary>
public sealed class TarballHashStream(Stream file) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _final;

    public long Written { get; private set; }

    /// <summary>Lower-case hex sha256 of everything written so far.</summary>
    public string Sha256Hex => _final ?? Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sha256.AppendData(buffer);
        file.Write(buffer);
        Written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _sha256.AppendData(buffer.Span);
        await file.WriteAsync(buffer, cancellationToken);
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // With no compression the codec stream is this stream, and disposing it ends the data: keep the hash.
        if (disposing && _final is null)
        {
            _final = Convert.ToHexStringLower(_sha256.GetCurrentHash());
            _sha256.Dispose();
        }
        base.Dispose(disposing);
    }
}
