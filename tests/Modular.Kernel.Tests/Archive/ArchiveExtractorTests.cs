using System.Formats.Tar;
using Modular.Kernel.Containers.Archive;
using Modular.Sdk;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Kernel.Tests.Archive;

public sealed class ArchiveExtractorTests
{
    private static readonly DateTimeOffset Time = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Files_directories_links_and_implied_parents_are_extracted_with_their_metadata()
    {
        using var rootfs = new FakeRootfs();
        var tar = Tar(
            Directory("new/", 0x1C0, 1000, 1000),
            File("new/file.txt", "hello", 0x1A4, 1234, 5678),
            File("implied/deeper/file", "x", 0x180, 0, 0),
            Symlink("new/to-passwd", "/etc/passwd"),
            HardLink("new/hard", "new/file.txt"));

        Extract(rootfs, "/dir", tar, new ExtractOptions(NoOverwriteDirNonDir: true, Owner: null));

        var file = rootfs.Combine("dir/new/file.txt");
        Assert.Equal("hello", System.IO.File.ReadAllText(file));
        var status = LinuxSyscalls.LStat(file);
        Assert.Equal((0x1A4u, 1234u, 5678u, Time), (status.Permissions, status.Uid, status.Gid, status.ModificationTime.ToDateTimeOffset()));
        var directory = LinuxSyscalls.LStat(rootfs.Combine("dir/new"));
        Assert.Equal((0x1C0u, 1000u, Time), (directory.Permissions, directory.Uid, directory.ModificationTime.ToDateTimeOffset()));
        Assert.Equal(0x1EDu, LinuxSyscalls.LStat(rootfs.Combine("dir/implied/deeper")).Permissions);
        Assert.Equal("/etc/passwd", LinuxSyscalls.ReadLink(rootfs.Combine("dir/new/to-passwd")));
        Assert.Equal(status.Inode, LinuxSyscalls.LStat(rootfs.Combine("dir/new/hard")).Inode);
    }

    [Fact]
    public void An_owner_override_replaces_the_headers_ids()
    {
        using var rootfs = new FakeRootfs();

        Extract(rootfs, "/dir", Tar(File("owned", "x", 0x1A4, 1234, 5678)), new ExtractOptions(true, (42u, 43u)));

        var status = LinuxSyscalls.LStat(rootfs.Combine("dir/owned"));
        Assert.Equal((42u, 43u), (status.Uid, status.Gid));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("sub/../../escaped")]
    [InlineData("hostroot/tmp/escaped")]
    [InlineData("up/escaped")]
    public void Entries_that_lead_outside_the_destination_are_refused(string name)
    {
        using var rootfs = new FakeRootfs();
        // Symlinks inside the destination that point at the host's root and far above it.
        System.IO.File.CreateSymbolicLink(rootfs.Combine("dir/hostroot"), "/");
        System.IO.File.CreateSymbolicLink(rootfs.Combine("dir/up"), "../../../../../..");
        var before = System.IO.Directory.GetFileSystemEntries(rootfs.Path).Order().ToList();

        var error = Assert.Throws<DriverException>(() => Extract(rootfs, "/dir", Tar(File(name, "pwned", 0x1A4, 0, 0)), new ExtractOptions(true, null)));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(before, System.IO.Directory.GetFileSystemEntries(rootfs.Path).Order().ToList());
        Assert.False(System.IO.File.Exists("/tmp/escaped"));
    }

    [Fact]
    public void A_hard_link_to_a_file_outside_the_destination_is_refused()
    {
        using var rootfs = new FakeRootfs();

        var error = Assert.Throws<DriverException>(() => Extract(rootfs, "/dir", Tar(HardLink("stolen", "../etc/passwd")), new ExtractOptions(true, null)));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.False(System.IO.File.Exists(rootfs.Combine("dir/stolen")));
    }

    [Fact]
    public void The_destination_is_resolved_inside_the_root_even_through_absolute_symlinks()
    {
        using var rootfs = new FakeRootfs();
        System.IO.Directory.CreateDirectory(rootfs.Combine("tmp"));

        Extract(rootfs, "/hostroot/tmp", Tar(File("landed", "x", 0x1A4, 0, 0)), new ExtractOptions(true, null));

        Assert.True(System.IO.File.Exists(rootfs.Combine("tmp/landed")));
    }

    [Fact]
    public void No_overwrite_dir_non_dir_refuses_both_replacements_with_mobys_words()
    {
        using var rootfs = new FakeRootfs();

        var fileOverDirectory = Assert.Throws<DriverException>(() =>
            Extract(rootfs, "/dir", Tar(File("sub", "x", 0x1A4, 0, 0)), new ExtractOptions(true, null)));
        var directoryOverFile = Assert.Throws<DriverException>(() =>
            Extract(rootfs, "/dir", Tar(Directory("a.txt/", 0x1ED, 0, 0)), new ExtractOptions(true, null)));

        Assert.Equal("cannot overwrite directory \"sub\" with non-directory \"/dir\"", fileOverDirectory.Message);
        Assert.Equal("cannot overwrite non-directory \"a.txt\" with directory \"/dir\"", directoryOverFile.Message);
        Assert.True(System.IO.Directory.Exists(rootfs.Combine("dir/sub")));
        Assert.Equal("alpha", System.IO.File.ReadAllText(rootfs.Combine("dir/a.txt")));
    }

    [Fact]
    public void Without_the_flag_a_directory_is_replaced_by_a_file()
    {
        using var rootfs = new FakeRootfs();

        Extract(rootfs, "/dir", Tar(File("sub", "now a file", 0x1A4, 0, 0)), new ExtractOptions(false, null));

        Assert.Equal("now a file", System.IO.File.ReadAllText(rootfs.Combine("dir/sub")));
    }

    [Fact]
    public void An_existing_symlink_is_replaced_not_written_through()
    {
        using var rootfs = new FakeRootfs();
        var hostFile = Path.Combine(rootfs.Path + "-host-victim");
        System.IO.File.WriteAllText(hostFile, "host");
        try
        {
            System.IO.File.CreateSymbolicLink(rootfs.Combine("dir/victim"), hostFile);

            Extract(rootfs, "/dir", Tar(File("victim", "container", 0x1A4, 0, 0)), new ExtractOptions(true, null));

            Assert.Equal("host", System.IO.File.ReadAllText(hostFile));
            Assert.Equal("container", System.IO.File.ReadAllText(rootfs.Combine("dir/victim")));
        }
        finally
        {
            System.IO.File.Delete(hostFile);
        }
    }

    private static void Extract(FakeRootfs rootfs, string directory, MemoryStream tar, ExtractOptions options)
    {
        using var files = new ContainerFileSystem(rootfs.Path);
        using var destination = files.OpenDirectory(directory, out var status) ?? throw new DirectoryNotFoundException(directory);
        Assert.True(status.IsDirectory);
        new ArchiveExtractor(destination, ContainerPaths.Clean(directory), options).Extract(tar);
    }

    private static MemoryStream Tar(params PaxTarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File(string name, string content, int mode, int uid, int gid) =>
        new(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
            Mode = (UnixFileMode)mode,
            Uid = uid,
            Gid = gid,
            ModificationTime = Time,
        };

    private static PaxTarEntry Directory(string name, int mode, int uid, int gid) =>
        new(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode, Uid = uid, Gid = gid, ModificationTime = Time };

    private static PaxTarEntry Symlink(string name, string target) =>
        new(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF, ModificationTime = Time };

    private static PaxTarEntry HardLink(string name, string target) =>
        new(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time };
}
