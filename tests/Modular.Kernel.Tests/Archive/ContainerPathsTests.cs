using Modular.Kernel.Containers.Archive;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Archive;

public sealed class ContainerPathsTests
{
    [Theory]
    [InlineData("etc/passwd", "/etc/passwd")]
    [InlineData("/etc/../etc/./passwd", "/etc/passwd")]
    [InlineData("../../../etc/passwd", "/etc/passwd")]
    [InlineData("/", "/")]
    [InlineData("/dir/.", "/dir")]
    [InlineData("/dir/", "/dir")]
    public void Clean_keeps_paths_at_or_below_the_root(string path, string expected) =>
        Assert.Equal(expected, ContainerPaths.Clean(path));

    [Theory]
    [InlineData("/dir/.", ".")]
    [InlineData("/dir/", "dir")]
    [InlineData("/dir", "dir")]
    [InlineData("/", "/")]
    public void Base_name_is_the_one_moby_reports(string path, string expected) =>
        Assert.Equal(expected, ContainerPaths.BaseName(path, ContainerPaths.Clean(path)));

    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("/a/./b/", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("./", null)]
    public void Entry_names_are_cleaned_relative_names(string name, string? expected) =>
        Assert.Equal(expected, ContainerPaths.EntryName(name));

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/../x")]
    public void Entry_names_that_climb_out_are_refused(string name)
    {
        var error = Assert.Throws<DriverException>(() => ContainerPaths.EntryName(name));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
    }
}
