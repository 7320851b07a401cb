using System.Formats.Tar;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>One entry of a tar a driver produced, as the conformance tests inspect it.</summary>
internal sealed record LayerTarEntry(string Name, TarEntryType Type, int DeviceMajor, int DeviceMinor, IReadOnlyCollection<string> PaxKeys);

/// <summary>Reads the entries of a layer tar without extracting it.</summary>
internal static class LayerTarContents
{
    public static List<LayerTarEntry> Read(Stream tar)
    {
        var entries = new List<LayerTarEntry>();
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            var posix = entry as PosixTarEntry;
            var pax = entry as PaxTarEntry;
            entries.Add(new LayerTarEntry(
                entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name,
                entry.EntryType,
                posix?.DeviceMajor ?? 0,
                posix?.DeviceMinor ?? 0,
                pax?.ExtendedAttributes.Keys.ToList() ?? []));
        }
        return entries;
    }
}
