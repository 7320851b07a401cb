using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

/// <summary>xattr values travel through layer tars byte for byte, in both directions, whatever bytes they hold.</summary>
public sealed class BinaryXattrTests : IDisposable
{
    // security.capability v2 with cap_net_bind_service in permitted and effective ("cap_net_bind_service+ep").
    private static readonly byte[] NetBindCapability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // Not UTF-8, and holding the bytes a text-based PAX parser stumbles on: NUL, newline, '=' and a lone continuation byte.
    private static readonly byte[] Awkward = [0x00, 0xFF, 0x0A, 0x3D, 0x80, 0xC3, 0x0A];

    private readonly TemporaryTree _tree = new();
    private readonly TemporaryTree _source = new();

    public void Dispose()
    {
        _tree.Dispose();
        _source.Dispose();
    }

    [Fact]
    public void RawBinaryRecordsInAHandBuiltTarApplyByteForByte()
    {
        TemporaryTree.RequireRoot();
        var tar = new HandTar()
            .Pax(("SCHILY.xattr.security.capability", NetBindCapability), ("SCHILY.xattr.user.awkward", Awkward), ("mtime", "1700000000.5"u8.ToArray()))
            .File("bin/server", "#!/bin/sh\n"u8.ToArray());

        Apply(tar.Build());

        var path = _tree.At("bin/server");
        Assert.Equal(NetBindCapability, LinuxSyscalls.GetXattr(path, "security.capability"));
        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(path, "user.awkward"));
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(path));
    }

    [Fact]
    public void ValuesThatAreUtf8ApplyAsTheirUtf8Bytes()
    {
        var text = "grüße = ok; 日本";
        Apply(new LayerTarBuilder().File("f", "x", xattrs: new Dictionary<string, string> { ["user.text"] = text, ["user.empty"] = "" }).Build());

        Assert.Equal(Encoding.UTF8.GetBytes(text), LinuxSyscalls.GetXattr(_tree.At("f"), "user.text"));
        var empty = LinuxSyscalls.GetXattr(_tree.At("f"), "user.empty");
        Assert.NotNull(empty);
        Assert.Empty(empty);
    }

    [Fact]
    public void WriterEmitsRawBytesAndReaderGetsThemBack()
    {
        TemporaryTree.RequireRoot();
        var file = _source.At("program");
        File.WriteAllText(file, "#!/bin/sh\n");
        LinuxSyscalls.SetXattr(file, "security.capability", NetBindCapability);
        LinuxSyscalls.SetXattr(file, "user.awkward", Awkward);
        LinuxSyscalls.SetXattr(file, "user.text", "plain"u8);
        Directory.CreateDirectory(_source.At("dir"));
        LinuxSyscalls.SetXattr(_source.At("dir"), "user.on-a-directory", [0xDE, 0xAD, 0xBE, 0xEF]);

        var tar = new MemoryStream();
        using (var writer = new LayerTarWriter(tar))
        {
            writer.AddNode(_source.At("dir"), "dir");
            writer.AddNode(file, "program");
        }
        var bytes = tar.ToArray();

        Assert.True(bytes.AsSpan().IndexOf(Record("SCHILY.xattr.security.capability", NetBindCapability)) >= 0, "the capability is not a raw SCHILY.xattr record");
        Assert.True(bytes.AsSpan().IndexOf(Record("SCHILY.xattr.user.awkward", Awkward)) >= 0, "the binary value is not a raw SCHILY.xattr record");
        Assert.True(bytes.AsSpan().IndexOf(Record("SCHILY.xattr.user.text", "plain"u8.ToArray())) >= 0);
        Assert.True(bytes.AsSpan().IndexOf("MODULAR."u8) < 0, "the intermediate form leaked into the archive");

        tar.Position = 0;
        Apply(tar);
        Assert.Equal(NetBindCapability, LinuxSyscalls.GetXattr(_tree.At("program"), "security.capability"));
        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At("program"), "user.awkward"));
        Assert.Equal("plain"u8.ToArray(), LinuxSyscalls.GetXattr(_tree.At("program"), "user.text"));
        Assert.Equal([0xDE, 0xAD, 0xBE, 0xEF], LinuxSyscalls.GetXattr(_tree.At("dir"), "user.on-a-directory"));
    }

    [Fact]
    public void ArchivesReadAByteAtATimeApplyTheSame()
    {
        var tar = new HandTar()
            .Pax(("SCHILY.xattr.user.a", Awkward))
            .File("a", Enumerable.Range(0, 1500).Select(i => (byte)i).ToArray())
            .Pax(("SCHILY.xattr.user.b", [0xFE]))
            .File("b", "b"u8.ToArray())
            .Build();

        LayerArchive.Apply(new TrickleStream(tar), _tree.Root, WhiteoutMode.DeletePaths);

        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At("a"), "user.a"));
        Assert.Equal(Enumerable.Range(0, 1500).Select(i => (byte)i).ToArray(), File.ReadAllBytes(_tree.At("a")));
        Assert.Equal([0xFE], LinuxSyscalls.GetXattr(_tree.At("b"), "user.b"));
    }

    [Fact]
    public void BigFilesPassThroughUntouchedBetweenBinaryXattrs()
    {
        var file = _source.At("big");
        var content = RandomContent(3 * 1024 * 1024 + 123);
        File.WriteAllBytes(file, content);
        LinuxSyscalls.SetXattr(file, "user.awkward", Awkward);
        File.WriteAllText(_source.At("after"), "after");
        LinuxSyscalls.SetXattr(_source.At("after"), "user.after", [0x0A]);

        var tar = new MemoryStream();
        using (var writer = new LayerTarWriter(tar))
        {
            Assert.Equal(content.Length, writer.AddNode(file, "big"));
            writer.AddNode(_source.At("after"), "after");
        }

        tar.Position = 0;
        Assert.Equal(content.Length + 5, Apply(tar));
        Assert.Equal(content, File.ReadAllBytes(_tree.At("big")));
        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At("big"), "user.awkward"));
        Assert.Equal([0x0A], LinuxSyscalls.GetXattr(_tree.At("after"), "user.after"));
    }

    [Fact]
    public void APaxSizeOverridingTheHeadersIsFollowed()
    {
        // The header's size field says 0, as writers leave it for files of 8 GiB and more; the PAX record has the truth.
        var content = RandomContent(5000);
        var tar = new HandTar()
            .Pax(("size", "5000"u8.ToArray()), ("SCHILY.xattr.user.first", [0x81]))
            .File("first", content, sizeField: 0)
            .Pax(("SCHILY.xattr.user.second", [0x82]))
            .File("second", "2"u8.ToArray())
            .Build();

        Apply(tar);

        Assert.Equal(content, File.ReadAllBytes(_tree.At("first")));
        Assert.Equal([0x81], LinuxSyscalls.GetXattr(_tree.At("first"), "user.first"));
        Assert.Equal([0x82], LinuxSyscalls.GetXattr(_tree.At("second"), "user.second"));
    }

    [Fact]
    public void GnuLongNamesAndPaxLongNamesSitBesideBinaryXattrs()
    {
        var gnuName = "gnu/" + new string('g', 150);
        var paxName = "pax/" + new string('p', 150);
        var tar = new HandTar()
            .Entry("gnu/", '5', [], mode: "755")
            .Entry("pax/", '5', [], mode: "755")
            .GnuLongName(gnuName)
            .File(gnuName[..100], "long gnu"u8.ToArray())
            .Pax(("path", Encoding.UTF8.GetBytes(paxName)), ("SCHILY.xattr.user.bin", Awkward))
            .File("truncated", "long pax"u8.ToArray())
            .File("plain", "no pax header"u8.ToArray())
            .Build();

        Apply(tar);

        Assert.Equal("long gnu", File.ReadAllText(_tree.At(gnuName)));
        Assert.Equal("long pax", File.ReadAllText(_tree.At(paxName)));
        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At(paxName), "user.bin"));
        Assert.Equal("no pax header", File.ReadAllText(_tree.At("plain")));
        Assert.False(File.Exists(_tree.At("truncated")));
    }

    [Fact]
    public void TarsWithoutPaxHeadersApplyAsBefore()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "d/" + new string('n', 200)) { DataStream = new MemoryStream("gnu"u8.ToArray()) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ustar") { DataStream = new MemoryStream("u"u8.ToArray()) });
        }
        tar.Position = 0;

        Apply(tar);

        Assert.Equal("gnu", File.ReadAllText(_tree.At("d/" + new string('n', 200))));
        Assert.Equal("u", File.ReadAllText(_tree.At("ustar")));
    }

    [Fact]
    public void AnArchiveWithoutEndBlocksEndsAfterItsLastEntry()
    {
        var tar = new MemoryStream();
        new HandTar().Pax(("SCHILY.xattr.user.bin", [0xFF])).File("f", "x"u8.ToArray()).Build().WriteTo(tar);
        tar.SetLength(tar.Length - 1024);
        tar.Position = 0;

        Apply(tar);

        Assert.Equal([0xFF], LinuxSyscalls.GetXattr(_tree.At("f"), "user.bin"));
    }

    [Fact]
    public void AnEmptyStreamIsAnEmptyLayerAndAnEmptyLayerIsTwoZeroBlocks()
    {
        Assert.Equal(0, Apply(new MemoryStream()));

        var tar = new MemoryStream();
        new LayerTarWriter(tar).Dispose();

        Assert.Equal(new byte[1024], tar.ToArray());
    }

    [Fact]
    public void AnArchiveCutInsideAnEntryIsRefused()
    {
        var tar = new MemoryStream();
        new HandTar().File("f", new byte[2000]).Build().WriteTo(tar);
        tar.SetLength(1024);
        tar.Position = 0;

        var error = Assert.Throws<DriverException>(() => Apply(tar));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void AnXattrTheKernelRefusesIsAnInvalidArgumentNamingEntryAndAttribute()
    {
        TemporaryTree.RequireRoot();
        var tar = new HandTar().Pax(("SCHILY.xattr.security.capability", [0x01, 0x02, 0x03])).File("bin/tool", "x"u8.ToArray()).Build();

        var error = Assert.Throws<DriverException>(() => Apply(tar));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("bin/tool", error.Message);
        Assert.Contains("security.capability", error.Message);
    }

    [Fact]
    public void AnOversizedExtendedHeaderIsRefused()
    {
        var tar = new HandTar().Pax(("SCHILY.xattr.user.huge", new byte[(1 << 20) + 1])).File("f", "x"u8.ToArray()).Build();

        var error = Assert.Throws<DriverException>(() => Apply(tar));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void ATarCannotFillTheIntermediateKeysItself()
    {
        var tar = new HandTar()
            .Pax(("MODULAR.xattr.base64.user.smuggled", "aGk="u8.ToArray()), ("SCHILY.xattr.user.real", "r"u8.ToArray()))
            .File("f", "x"u8.ToArray())
            .Build();

        Apply(tar);

        Assert.Null(LinuxSyscalls.GetXattr(_tree.At("f"), "user.smuggled"));
        Assert.Equal("r"u8.ToArray(), LinuxSyscalls.GetXattr(_tree.At("f"), "user.real"));
    }

    [Fact]
    public void GnuTarExtractsOurBinaryXattrs()
    {
        var file = _source.At("f");
        File.WriteAllText(file, "x");
        LinuxSyscalls.SetXattr(file, "user.awkward", Awkward);
        var archive = Path.Join(_source.Outside, "layer.tar");
        using (var output = File.Create(archive))
        using (var writer = new LayerTarWriter(output))
        {
            writer.AddNode(file, "f");
        }

        RunTar("--xattrs", "--xattrs-include=*", "-xpf", archive, "-C", _tree.Root);

        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At("f"), "user.awkward"));
    }

    [Fact]
    public void BinaryXattrsGnuTarWroteApply()
    {
        var file = _source.At("f");
        File.WriteAllText(file, "x");
        LinuxSyscalls.SetXattr(file, "user.awkward", Awkward);
        var archive = Path.Join(_source.Outside, "layer.tar");

        RunTar("--xattrs", "--xattrs-include=*", "--format=posix", "-cf", archive, "-C", _source.Root, "f");
        using (var input = File.OpenRead(archive))
        {
            LayerArchive.Apply(input, _tree.Root, WhiteoutMode.DeletePaths);
        }

        Assert.Equal(Awkward, LinuxSyscalls.GetXattr(_tree.At("f"), "user.awkward"));
    }

    private long Apply(Stream tar) => LayerArchive.Apply(tar, _tree.Root, WhiteoutMode.DeletePaths);

    private static byte[] Record(string key, byte[] value)
    {
        var body = Encoding.ASCII.GetBytes($" {key}=").Length + value.Length + 1;
        var length = body + 1;
        while (length != body + length.ToString().Length)
        {
            length = body + length.ToString().Length;
        }
        return [.. Encoding.ASCII.GetBytes($"{length} {key}="), .. value, (byte)'\n'];
    }

    private static byte[] RandomContent(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        return content;
    }

    private static void RunTar(params string[] arguments)
    {
        if (!File.Exists("/usr/bin/tar"))
        {
            Assert.Skip("GNU tar is not installed");
        }
        using var tar = Process.Start(new ProcessStartInfo("/usr/bin/tar", arguments) { RedirectStandardError = true })!;
        var error = tar.StandardError.ReadToEnd();
        tar.WaitForExit();
        Assert.True(tar.ExitCode == 0, $"tar {string.Join(' ', arguments)} failed: {error}");
    }

    /// <summary>Hands out at most a few bytes per read, so no block boundary lines up with a read.</summary>
    private sealed class TrickleStream(Stream inner) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, (_next++ % 7) + 1));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
