using System.Formats.Tar;

namespace Pipeline.Deps;

/// <summary>The schema file as a one-entry tar, the only form the engine's archive upload takes.</summary>
public static class SchemaArchive
{
    public static byte[] Create(string schemaFile, string nameInArchive)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, nameInArchive)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = DateTimeOffset.UnixEpoch,
                DataStream = new MemoryStream(File.ReadAllBytes(schemaFile)),
            };
            writer.WriteEntry(entry);
        }
        return buffer.ToArray();
    }
}
