using System.Formats.Tar;
using System.Text;
using Modular.Kernel.Build;
using Xunit;

namespace Modular.Kernel.Tests.Build;

public sealed class ContextFormatTests
{
    private static byte[] TarOf(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }
        return buffer.ToArray();
    }

    [Fact]
    public void A_tar_header_is_a_tar_and_a_dockerfile_is_bare_text()
    {
        var tar = TarOf("Dockerfile", "FROM busybox\n");
        var dockerfile = Encoding.UTF8.GetBytes("FROM busybox\nRUN echo hi\n");

        Assert.True(ContextFormat.IsTar(tar));
        Assert.False(ContextFormat.IsBareDockerfile(tar));
        Assert.False(ContextFormat.IsTar(dockerfile));
        Assert.True(ContextFormat.IsBareDockerfile(dockerfile));
    }

    [Fact]
    public void Corrupt_binary_is_neither_so_the_tar_reader_reports_it()
    {
        var garbage = new byte[600];
        new Random(7).NextBytes(garbage);
        garbage[10] = 0;

        Assert.False(ContextFormat.IsTar(garbage));
        Assert.False(ContextFormat.IsBareDockerfile(garbage));
    }

    [Fact]
    public void An_archive_cut_after_the_last_entrys_data_reads_completely()
    {
        // The docker CLI's rewritten context: the last entry's data without its padding, and no end blocks.
        const string content = ".dockerignore\n.dockerfile.0123\n";
        var tar = TarOf(".dockerignore", content);
        var cut = tar.AsSpan(0, 512 + content.Length).ToArray();

        using var reader = new TarReader(new TarEndPadding(new MemoryStream(cut)));
        var entry = reader.GetNextEntry(copyData: true);
        var text = new StreamReader(entry!.DataStream!).ReadToEnd();

        Assert.Equal(".dockerignore", entry.Name);
        Assert.Equal(content, text);
        Assert.Null(reader.GetNextEntry());
    }
}
