using Modular.Api.Build;
using Xunit;

namespace Modular.Kernel.Tests.Build;

public sealed class IgnorePatternsTests
{
    [Theory]
    [InlineData("*.log", "app.log", true)]
    [InlineData("*.log", "dir/app.log", false)]
    [InlineData("**/*.log", "dir/sub/app.log", true)]
    [InlineData("**/*.log", "app.log", true)]
    [InlineData("dir", "dir/anything/below", true)]
    [InlineData("dir/", "dir/file", true)]
    [InlineData("/dir", "dir/file", true)]
    [InlineData("./dir", "dir/file", true)]
    [InlineData("dir/*", "dir/file", true)]
    [InlineData("dir/*", "other/file", false)]
    [InlineData("te?t", "test", true)]
    [InlineData("te?t", "te/t", false)]
    [InlineData("[a-c].txt", "b.txt", true)]
    [InlineData("[a-c].txt", "d.txt", false)]
    [InlineData("[^a-c].txt", "d.txt", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("dir/**/x", "dir/x", true)]
    [InlineData("dir/**/x", "dir/a/b/x", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("node_modules", "src/node_modules", false)]
    public void Matches_with_dockers_pattern_rules(string pattern, string path, bool ignored)
    {
        Assert.Equal(ignored, IgnorePatterns.Parse(pattern).Matches(path));
    }

    [Fact]
    public void Exceptions_keep_files_and_the_last_matching_pattern_wins()
    {
        var patterns = IgnorePatterns.Parse("# comment\n*.md\n!README.md\nREADME*.md\n!README-keep.md\n\n");

        Assert.True(patterns.Matches("notes.md"));
        Assert.True(patterns.Matches("README.md"));
        Assert.False(patterns.Matches("README-keep.md"));
        Assert.False(patterns.Matches("main.c"));
        Assert.True(patterns.HasExceptions);
    }

    [Fact]
    public void Exception_inside_an_ignored_directory_keeps_that_file()
    {
        var patterns = IgnorePatterns.Parse("build\n!build/keep.txt");

        Assert.True(patterns.Matches("build/other.txt"));
        Assert.False(patterns.Matches("build/keep.txt"));
    }

    [Fact]
    public void Keeping_adds_exceptions_for_the_dockerfile_and_dockerignore()
    {
        var patterns = IgnorePatterns.Parse("*\n").Keeping("Dockerfile", ".dockerignore");

        Assert.False(patterns.Matches("Dockerfile"));
        Assert.False(patterns.Matches(".dockerignore"));
        Assert.True(patterns.Matches("src/main.c"));
    }

    [Theory]
    [InlineData("./a//b/../c", "a/c")]
    [InlineData("", ".")]
    [InlineData("/x/../..", "/")]
    [InlineData("../x", "../x")]
    public void Cleans_paths_like_go(string path, string clean)
    {
        Assert.Equal(clean, IgnorePatterns.CleanPath(path));
    }
}
