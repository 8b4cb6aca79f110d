using System.Text;
using Docker.DotNet;

namespace Pipeline.Docker;

/// <summary>One line of a container's output, and whether it came from stderr.</summary>
public sealed record LogLine(string Text, bool IsStderr);

/// <summary>
/// Reads a container's log as it arrives and hands out whole lines, stdout and stderr kept apart. The library
/// takes the frames apart; a frame may hold several lines or half of one (even half a character), so each stream
/// has its own buffer and decoder.
/// </summary>
internal static class LogLineReader
{
    /// <param name="framed">False for a TTY container, whose output is not framed and is all stdout.</param>
    public static Task ReadAsync(Stream source, bool framed, Action<LogLine> onLine, CancellationToken cancellation) =>
        ReadAsync(new MultiplexedStream(source, framed), onLine, cancellation);

    public static async Task ReadAsync(MultiplexedStream source, Action<LogLine> onLine, CancellationToken cancellation)
    {
        var stdout = new LineSplitter(false, onLine);
        var stderr = new LineSplitter(true, onLine);
        var buffer = new byte[32 * 1024];
        while (true)
        {
            var read = await source.ReadOutputAsync(buffer, 0, buffer.Length, cancellation);
            if (read.EOF) break;
            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            target.Add(buffer.AsSpan(0, read.Count));
        }
        stdout.Flush();
        stderr.Flush();
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
