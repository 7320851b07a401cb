using System.IO.MemoryMappedFiles;
using Modular.Kernel.Host;
using Xunit;

namespace Modular.Kernel.Tests.Host;

public sealed class MappedFilePageOutTests : IDisposable
{
    private const int FileSize = 4 * 1024 * 1024;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"pageout-{Guid.NewGuid():N}");

    [Fact]
    public void PagesOfAMappedFileOnlyThisProcessMapsLeaveItsResidentSet()
    {
        WriteCleanFile();
        using var file = MemoryMappedFile.CreateFromFile(_path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, FileSize, MemoryMappedFileAccess.Read);
        for (var offset = 0; offset < FileSize; offset += 4096)
        {
            _ = view.ReadByte(offset);
        }
        var residentBefore = ResidentKiBOfMappingsOf(_path);

        var advised = MappedFilePageOut.Run();

        Assert.True(residentBefore >= FileSize / 1024 / 2, $"the touched mapping held only {residentBefore} KiB");
        Assert.True(advised > 0);
        var residentAfter = ResidentKiBOfMappingsOf(_path);
        Assert.True(residentAfter < residentBefore / 4, $"still {residentAfter} of {residentBefore} KiB resident");
    }

    [Fact]
    public void ThePagesReadBackHoldTheFileUnchanged()
    {
        WriteCleanFile();
        using var file = MemoryMappedFile.CreateFromFile(_path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, FileSize, MemoryMappedFileAccess.Read);
        _ = view.ReadByte(0);

        MappedFilePageOut.Run();

        for (var offset = 0; offset < FileSize; offset += 4096)
        {
            Assert.Equal(ByteAt(offset), view.ReadByte(offset));
        }
    }

    private static byte ByteAt(int offset) => (byte)(offset / 4096 * 7);

    // Written and flushed, so that its pages are clean page cache the kernel may drop at once.
    private void WriteCleanFile()
    {
        var content = new byte[FileSize];
        for (var offset = 0; offset < FileSize; offset += 4096)
        {
            content[offset] = ByteAt(offset);
        }
        using var stream = new FileStream(_path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    private static long ResidentKiBOfMappingsOf(string path)
    {
        long resident = 0;
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (IsMappingHeader(line))
            {
                inMapping = line.EndsWith(path, StringComparison.Ordinal);
            }
            else if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                resident += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }
        return resident;
    }

    // "7f..-7f.. r--s 00000000 fe:00 123  /path"; the lines under it are "Name:  value kB".
    private static bool IsMappingHeader(string line)
    {
        var range = line.Split(' ', 2)[0];
        return range.Contains('-') && range.All(c => char.IsAsciiHexDigit(c) || c == '-');
    }

    public void Dispose() => File.Delete(_path);
}
