using System.Formats.Tar;
using Modular.Kernel.Containers.Archive;
using Xunit;

namespace Modular.Kernel.Tests.Archive;

public sealed class ContainerFileSystemTests
{
    [Fact]
    public void A_symlink_is_reported_not_followed_with_its_target_inside_the_root()
    {
        using var rootfs = new FakeRootfs();
        using var files = new ContainerFileSystem(rootfs.Path);

        var stat = files.Stat("/link")!;

        Assert.Equal("link", stat.Name);
        Assert.Equal(ContainerPathStat.GoModeSymlink | 0x1FF, stat.Mode);
        Assert.Equal("/etc/passwd", stat.LinkTarget);
        Assert.Equal("/", files.Stat("/hostroot")!.LinkTarget);
        Assert.Equal("/", files.Stat("/up")!.LinkTarget);
        Assert.Equal("/dir/a.txt", files.Stat("/dir/sub/relative")!.LinkTarget);
    }

    [Fact]
    public void Archiving_a_symlink_gives_the_link_itself()
    {
        using var rootfs = new FakeRootfs();

        var entries = Archive(rootfs, "/link");

        var entry = Assert.Single(entries);
        Assert.Equal(("link", TarEntryType.SymbolicLink, "/etc/passwd"), (entry.Name, entry.Type, entry.LinkName));
    }

    [Theory]
    [InlineData("/hostroot/etc/passwd")]
    [InlineData("/up/etc/passwd")]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/dir/../../etc/passwd")]
    public void Parent_symlinks_and_dot_dots_resolve_inside_the_root(string path)
    {
        using var rootfs = new FakeRootfs();

        var entries = Archive(rootfs, path);

        var entry = Assert.Single(entries, e => e.Type == TarEntryType.RegularFile);
        Assert.Equal(rootfs.PasswdContent, entry.Content);
    }

    [Fact]
    public void A_directory_is_archived_under_its_base_name_and_dir_dot_gives_its_content()
    {
        using var rootfs = new FakeRootfs();
        Sdk.Syscalls.LinuxSyscalls.HardLink(rootfs.Combine("dir/a.txt"), rootfs.Combine("dir/hard"));

        var named = Archive(rootfs, "/dir");
        var content = Archive(rootfs, "/dir/.");

        Assert.Equal(["dir/", "dir/a.txt", "dir/hard", "dir/sub/", "dir/sub/b.txt", "dir/sub/relative"], named.Select(e => e.Name));
        Assert.Equal(["./", "./a.txt", "./hard", "./sub/", "./sub/b.txt", "./sub/relative"], content.Select(e => e.Name));
        var hard = Assert.Single(named, e => e.Name == "dir/hard");
        Assert.Equal((TarEntryType.HardLink, "dir/a.txt"), (hard.Type, hard.LinkName));
        Assert.Equal("beta", Assert.Single(named, e => e.Name == "dir/sub/b.txt").Content);
    }

    [Fact]
    public void Modes_owners_and_times_are_kept()
    {
        using var rootfs = new FakeRootfs();
        var file = rootfs.Combine("dir/a.txt");
        File.SetUnixFileMode(file, (UnixFileMode)0x1E4); // 0744
        Sdk.Syscalls.LinuxSyscalls.LChown(file, 1234, 5678);
        var time = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        File.SetLastWriteTimeUtc(file, time.UtcDateTime);

        var entry = Assert.Single(Archive(rootfs, "/dir/a.txt"));

        Assert.Equal(("a.txt", 0x1E4, 1234, 5678, time), (entry.Name, (int)entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime));
    }

    [Fact]
    public void Missing_paths_and_files_used_as_directories_are_not_found()
    {
        using var rootfs = new FakeRootfs();
        using var files = new ContainerFileSystem(rootfs.Path);

        Assert.Null(files.Stat("/nope"));
        Assert.Null(files.Stat("/nope/deeper"));
        Assert.Null(files.Stat("/etc/passwd/x"));
        Assert.Null(files.Stat("/etc/passwd/"));
    }

    internal sealed record Entry(string Name, TarEntryType Type, string LinkName, string? Content, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset ModificationTime);

    internal static List<Entry> Archive(FakeRootfs rootfs, string path)
    {
        using var files = new ContainerFileSystem(rootfs.Path);
        using var found = files.Find(path) ?? throw new FileNotFoundException(path);
        using var tar = new MemoryStream();
        using (var writer = new ArchiveWriter(tar))
        {
            writer.Write(found, found.Stat.Name);
        }
        tar.Position = 0;
        var entries = new List<Entry>();
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is { } data ? new StreamReader(data).ReadToEnd() : null;
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.LinkName, content, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime));
        }
        return entries;
    }
}
