using Modular.Cli.Terminal;
using Xunit;

namespace Modular.Cli.Tests.Terminal;

public sealed class DetachKeysTests
{
    [Theory]
    [InlineData("ctrl-p,ctrl-q", new byte[] { 16, 17 })]
    [InlineData("ctrl-@,ctrl-a,ctrl-z,ctrl-_", new byte[] { 0, 1, 26, 31 })]
    [InlineData("ctrl-[,ctrl-\\,ctrl-],ctrl-^", new byte[] { 27, 28, 29, 30 })]
    [InlineData("a,ctrl-x,DEL", new byte[] { (byte)'a', 24, 127 })]
    public void Parses_docker_key_names(string keys, byte[] expected) => Assert.Equal(expected, DetachKeys.Parse(keys));

    [Theory]
    [InlineData("ctrl-")]
    [InlineData("ctrl-1")]
    [InlineData("ab")]
    [InlineData("")]
    public void Refuses_unknown_keys(string keys) => Assert.Null(DetachKeys.Parse(keys));

    [Fact]
    public void Falls_back_to_ctrl_p_ctrl_q_when_missing_or_invalid()
    {
        Assert.Equal(new byte[] { 16, 17 }, DetachKeys.ResolveOrDefault(null));
        Assert.Equal(new byte[] { 16, 17 }, DetachKeys.ResolveOrDefault("nonsense-key"));
        Assert.Equal(new byte[] { 24, (byte)'x' }, DetachKeys.ResolveOrDefault("ctrl-x,x"));
    }
}

public sealed class EscapeSequenceFilterTests
{
    [Fact]
    public void Typed_sequence_detaches_and_is_not_forwarded()
    {
        var filter = new EscapeSequenceFilter([16, 17]);
        Assert.Equal("ls"u8.ToArray(), filter.Filter("ls"u8));
        Assert.Empty(filter.Filter([16])!);
        Assert.Null(filter.Filter([17]));
    }

    [Fact]
    public void Broken_off_sequence_hands_the_held_keys_on_first()
    {
        var filter = new EscapeSequenceFilter([16, 17]);
        Assert.Empty(filter.Filter([16])!);
        Assert.Equal(new byte[] { 16, (byte)'a' }, filter.Filter("a"u8));
        Assert.Empty(filter.Filter([16])!);
        Assert.Equal(new byte[] { 16, 1, 2 }, filter.Filter([1, 2]));
    }

    [Fact]
    public void Pasted_text_containing_the_sequence_goes_through_as_in_docker()
    {
        var filter = new EscapeSequenceFilter([16, 17]);
        Assert.Equal(new byte[] { 16, 17 }, filter.Filter([16, 17]));
    }
}

public sealed class DetachSequenceWatcherTests
{
    [Fact]
    public void Sees_the_sequence_across_reads()
    {
        var watcher = new DetachSequenceWatcher([16, 17]);
        watcher.Observe("echo hi\n"u8);
        Assert.False(watcher.Seen);
        watcher.Observe([1, 16]);
        Assert.False(watcher.Seen);
        watcher.Observe([17]);
        Assert.True(watcher.Seen);
    }

    [Fact]
    public void Restarts_the_match_on_a_repeated_first_key()
    {
        var watcher = new DetachSequenceWatcher([16, 17]);
        watcher.Observe([16, 16, 17]);
        Assert.True(watcher.Seen);
    }
}
