using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Docker;

/// <summary>One line of a container's output, and whether it came from stderr.</summary>
public sealed record LogLine(string Text, bool IsStderr);

/// <summary>
/// Reads a container's log stream as it arrives and hands out whole lines, stdout and stderr kept apart. A frame
/// (see <see cref="MultiplexedStream"/>) may hold several lines or half of one, so each stream has its own buffer.
/// </summary>
internal static class LogLineReader
{
    public static async Task ReadAsync(Stream source, bool framed, Action<LogLine> onLine, CancellationToken cancellation)
    {
        var stdout = new LineSplitter(false, onLine);
        var stderr = new LineSplitter(true, onLine);
        var buffer = new byte[32 * 1024];
        if (!framed)
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellation)) > 0) stdout.Add(buffer.AsSpan(0, read));
        }
        else
        {
            var header = new byte[8];
            while (await FillAsync(source, header, header.Length, cancellation))
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                var target = header[0] == MultiplexedStream.Stderr ? stderr : stdout;
                while (length > 0)
                {
                    var chunk = Math.Min(length, buffer.Length);
                    if (!await FillAsync(source, buffer, chunk, cancellation))
                        throw new IOException("The engine closed a log stream in the middle of a frame.");
                    target.Add(buffer.AsSpan(0, chunk));
                    length -= chunk;
                }
            }
        }
        stdout.Flush();
        stderr.Flush();
    }

    private static async Task<bool> FillAsync(Stream source, byte[] buffer, int count, CancellationToken cancellation)
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
            filled += read;
        }
        return true;
    }

    private sealed class LineSplitter(bool isStderr, Action<LogLine> onLine)
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _pending = new();

        public void Add(ReadOnlySpan<byte> bytes)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            foreach (var c in chars)
            {
                if (c == '\n')
                {
                    onLine(new LogLine(_pending.ToString().TrimEnd('\r'), isStderr));
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(c);
                }
            }
        }

        public void Flush()
        {
            if (_pending.Length > 0) onLine(new LogLine(_pending.ToString(), isStderr));
            _pending.Clear();
        }
    }
}
