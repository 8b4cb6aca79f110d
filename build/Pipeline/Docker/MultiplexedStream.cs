using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Docker;

/// <summary>
/// The engine's framing for a container's stdout and stderr over one connection (logs, exec, attach without a TTY):
/// each frame is an 8-byte header (stream type, three zero bytes, big-endian length) and the payload.
/// </summary>
internal static class MultiplexedStream
{
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    public static async Task<ContainerLogs> ReadAllAsync(Stream source, Action? onData, CancellationToken cancellation)
    {
        var stdout = new Collector();
        var stderr = new Collector();
        var header = new byte[8];
        var payload = new byte[32 * 1024];
        while (await FillAsync(source, header, header.Length, onData, cancellation))
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            var target = header[0] == Stderr ? stderr : stdout;
            while (length > 0)
            {
                var chunk = Math.Min(length, payload.Length);
                if (!await FillAsync(source, payload, chunk, onData, cancellation))
                    throw new IOException("The engine closed a log stream in the middle of a frame.");
                target.Add(payload.AsSpan(0, chunk));
                length -= chunk;
            }
        }
        return new ContainerLogs(stdout.Text(), stderr.Text());
    }

    /// <summary>A TTY container's output is not framed: all of it is stdout.</summary>
    public static async Task<ContainerLogs> ReadRawAsync(Stream source, CancellationToken cancellation)
    {
        using var reader = new StreamReader(source, Encoding.UTF8);
        return new ContainerLogs(await reader.ReadToEndAsync(cancellation), "");
    }

    private static async Task<bool> FillAsync(
        Stream source, byte[] buffer, int count, Action? onData, CancellationToken cancellation)
    {
        var filled = 0;
        while (filled < count)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled, count - filled), cancellation);
            if (read == 0)
            {
                if (filled == 0) return false;
                throw new IOException("The engine closed a log stream in the middle of a frame header.");
            }
            onData?.Invoke();
            filled += read;
        }
        return true;
    }

    // A frame may end in the middle of a UTF-8 character; the decoder keeps the partial bytes for the next one.
    private sealed class Collector
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _text = new();

        public void Add(ReadOnlySpan<byte> bytes)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            _text.Append(chars);
        }

        public string Text() => _text.ToString();
    }
}
