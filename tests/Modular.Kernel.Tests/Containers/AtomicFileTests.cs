using System.Text;
using Modular.Kernel.Persistence;
using Xunit;

namespace Modular.Kernel.Tests.Containers;

public sealed class AtomicFileTests
{
    private sealed record Sample(string Name, int Count);

    [Fact]
    public void Writes_the_content_and_leaves_no_temporary_file()
    {
        using var folder = new TempFolder("atomic");
        var target = folder.Combine("state.json");

        AtomicFile.WriteAllBytes(target, "hello"u8);

        Assert.Equal("hello", File.ReadAllText(target));
        Assert.Equal(["state.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Overwriting_keeps_only_the_new_content()
    {
        using var folder = new TempFolder("atomic");
        var target = folder.Combine("state.json");
        AtomicFile.WriteAllBytes(target, Encoding.UTF8.GetBytes(new string('x', 4096)));

        AtomicFile.WriteAllBytes(target, "new"u8);

        Assert.Equal("new", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Creates_missing_parent_folders()
    {
        using var folder = new TempFolder("atomic");
        var target = folder.Combine("a", "b", "c.json");

        AtomicFile.WriteAllBytes(target, "x"u8);

        Assert.True(File.Exists(target));
    }

    [Fact]
    public void Json_round_trips_and_a_missing_file_reads_as_default()
    {
        using var folder = new TempFolder("atomic");
        var target = folder.Combine("sample.json");

        AtomicFile.WriteJson(target, new Sample("one", 3));

        Assert.Equal(new Sample("one", 3), AtomicFile.ReadJson<Sample>(target));
        Assert.Null(AtomicFile.ReadJson<Sample>(folder.Combine("absent.json")));
    }

    [Fact]
    public void Removes_hidden_temporary_leftovers_at_any_depth_and_nothing_else()
    {
        using var folder = new TempFolder("atomic");
        var top = folder.Write(".state.json.42.abc.tmp", "torn");
        var deep = folder.Write("c1/.config.v2.json.42.def.tmp", "torn");
        var state = folder.Write("c1/config.v2.json", "{}");
        var visibleTmp = folder.Write("c1/notes.tmp", "kept");

        AtomicFile.RemoveLeftovers(folder.Path);

        Assert.False(File.Exists(top));
        Assert.False(File.Exists(deep));
        Assert.True(File.Exists(state));
        Assert.True(File.Exists(visibleTmp));
    }
}
