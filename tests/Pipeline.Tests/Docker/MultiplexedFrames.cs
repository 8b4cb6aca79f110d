using System.Buffers.Binary;

namespace Pipeline.Tests.Docker;

/// <summary>The engine's framing of a container's stdout (1) and stderr (2): an 8-byte header, then the payload.</summary>
internal static class MultiplexedFrames
{
    public static byte[] Frame(byte stream, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
