using Modular.Cli.Copy;
using Xunit;

namespace Modular.Cli.Tests.Copy;

public sealed class CopyPathsTests
{
    [Theory]
    [InlineData("web:/etc/hosts", "web", "/etc/hosts")]
    [InlineData("web:", "web", "")]
    [InlineData("/tmp/a:b", null, "/tmp/a:b")]
    [InlineData("./a:b", null, "./a:b")]
    [InlineData("file.txt", null, "file.txt")]
    [InlineData("-", null, "-")]
    public void Splits_container_and_path_as_docker(string argument, string? container, string path) =>
        Assert.Equal(new CopyEndpoint(container, path), CopyEndpoint.Parse(argument));

    [Theory]
    [InlineData("/a/b/c", "/a/b", "c")]
    [InlineData("/a/b/", "/a", "b")]
    [InlineData("/a/b/.", "/a/b", ".")]
    [InlineData("name", ".", "name")]
    [InlineData(".", ".", ".")]
    [InlineData("/x", "/", "x")]
    public void Splits_directory_and_entry_as_moby(string path, string directory, string entry) =>
        Assert.Equal((directory, entry), CopyPaths.SplitDirectoryEntry(path));

    [Theory]
    [InlineData("/a//b/../c/", "/a/c/")]
    [InlineData("/a/b/./", "/a/b/")]
    [InlineData("/a/b/.", "/a/b/.")]
    [InlineData("a/./b", "a/b")]
    public void Cleans_but_keeps_the_trailing_slash_or_dot(string path, string expected) =>
        Assert.Equal(expected, CopyPaths.CleanPreservingTrailing(path));

    [Fact]
    public void An_existing_directory_takes_the_archive_unchanged()
    {
        var plan = CopyPaths.Plan(new SourceInfo("/src/tree", true), new DestinationInfo("/dst", true, true));
        Assert.Equal(new CopyPlan("/dst", null, null), plan);
    }

    [Fact]
    public void A_new_name_gets_the_directory_or_file_renamed_in_its_parent()
    {
        Assert.Equal(new CopyPlan("/dst", "tree", "new"), CopyPaths.Plan(new SourceInfo("/src/tree", true), new DestinationInfo("/dst/new", false, false)));
        Assert.Equal(new CopyPlan("/dst", ".", "new"), CopyPaths.Plan(new SourceInfo("/src/tree/.", true), new DestinationInfo("/dst/new", false, false)));
        Assert.Equal(new CopyPlan("/dst", "f", "g"), CopyPaths.Plan(new SourceInfo("/src/f", false), new DestinationInfo("/dst/g", false, false)));
    }

    [Fact]
    public void An_existing_file_is_replaced_under_its_own_name_and_a_followed_link_keeps_the_typed_name()
    {
        Assert.Equal(new CopyPlan("/dst", "f", "g"), CopyPaths.Plan(new SourceInfo("/src/f", false), new DestinationInfo("/dst/g", true, false)));
        Assert.Equal(new CopyPlan("/dst", "link", "g"), CopyPaths.Plan(new SourceInfo("/real/target", false, "link"), new DestinationInfo("/dst/g", true, false)));
    }

    [Fact]
    public void Refusals_use_mobys_words()
    {
        var directoryOntoFile = Assert.Throws<CliStatusException>(() => CopyPaths.Plan(new SourceInfo("/src/tree", true), new DestinationInfo("/dst/f", true, false)));
        Assert.Equal("cannot copy directory", directoryOntoFile.Message);
        var fileIntoMissingDirectory = Assert.Throws<CliStatusException>(() => CopyPaths.Plan(new SourceInfo("/src/f", false), new DestinationInfo("/dst/new/", false, false)));
        Assert.Equal("no such directory", fileIntoMissingDirectory.Message);
    }

    [Theory]
    [InlineData("tree/", "tree", "new", "new/")]
    [InlineData("tree/sub/two", "tree", "new", "new/sub/two")]
    [InlineData("./a", ".", "new", "new/a")]
    [InlineData(".", ".", "new", "new")]
    [InlineData("treehouse/x", "tree", "new", null)]
    [InlineData("f", "f", "g", "g")]
    public void Rebases_only_the_top_entry_and_what_is_under_it(string name, string from, string to, string? expected) =>
        Assert.Equal(expected, TarRebase.Rename(name, from, to));
}
