using System.Text;
using Modular.Kernel.Streams;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Kernel.Tests.Streams;

public sealed class LogLineSplitterTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_line_of_a_chunk_is_one_message_with_its_newline()
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stderr, sink);

        splitter.Split("one\ntwo\n\nthree\n"u8.ToArray(), Time);

        Assert.Equal([(LogSource.Stderr, "one\n"), (LogSource.Stderr, "two\n"), (LogSource.Stderr, "\n"), (LogSource.Stderr, "three\n")], sink.Messages);
        Assert.All(sink.Entries, e => Assert.Equal(Time, e.Time));
    }

    [Fact]
    public void A_line_read_in_pieces_is_one_message_stamped_when_it_completes()
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stdout, sink);

        splitter.Split("hel"u8.ToArray(), Time);
        splitter.Split("lo wor"u8.ToArray(), Time.AddSeconds(1));
        Assert.Empty(sink.Entries);
        splitter.Split("ld\nnext"u8.ToArray(), Time.AddSeconds(2));

        var entry = Assert.Single(sink.Entries);
        Assert.Equal("hello world\n", Encoding.UTF8.GetString(entry.Bytes));
        Assert.Equal(Time.AddSeconds(2), entry.Time);
    }

    [Fact]
    public void A_long_line_becomes_partial_messages_of_16_KiB_without_newlines()
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stdout, sink);
        var line = new string('a', 40_000) + "\n";

        splitter.Split(Encoding.UTF8.GetBytes("short\n" + line + "after\n"), Time);

        Assert.Equal([6, 16_384, 16_384, 7_233, 6], sink.Messages.Select(m => m.Text.Length));
        Assert.Equal(line, string.Concat(sink.Messages.Skip(1).Take(3).Select(m => m.Text)));
        Assert.DoesNotContain('\n', sink.Messages[1].Text);
        Assert.DoesNotContain('\n', sink.Messages[2].Text);
    }

    [Fact]
    public void A_long_line_read_in_pieces_is_cut_at_the_same_places()
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stdout, sink);
        var line = Encoding.UTF8.GetBytes(new string('b', 40_000) + "\n");

        for (var offset = 0; offset < line.Length; offset += 3_000)
        {
            splitter.Split(line.AsMemory(offset, Math.Min(3_000, line.Length - offset)), Time);
        }

        Assert.Equal([16_384, 16_384, 7_233], sink.Messages.Select(m => m.Text.Length));
    }

    [Theory]
    [InlineData(16_383, new[] { 16_384 })]
    [InlineData(16_384, new[] { 16_384, 1 })]
    public void A_line_at_the_limit_is_cut_as_dockerd_cuts_it(int textLength, int[] messageLengths)
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stdout, sink);

        splitter.Split(Encoding.UTF8.GetBytes(new string('c', textLength) + "\n"), Time);

        Assert.Equal(messageLengths, sink.Messages.Select(m => m.Text.Length));
        Assert.EndsWith("\n", sink.Messages[^1].Text);
    }

    [Fact]
    public void Finish_logs_an_unfinished_last_line_and_nothing_when_there_is_none()
    {
        var sink = new RecordingSink();
        var splitter = new LogLineSplitter(LogSource.Stdout, sink);

        splitter.Split("done\nno newline"u8.ToArray(), Time);
        splitter.Finish(Time.AddSeconds(1));
        splitter.Finish(Time.AddSeconds(2));

        Assert.Equal([(LogSource.Stdout, "done\n"), (LogSource.Stdout, "no newline")], sink.Messages);
        Assert.Equal(Time.AddSeconds(1), sink.Entries[^1].Time);
    }
}
