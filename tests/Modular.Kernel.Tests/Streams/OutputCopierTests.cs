using System.IO.Pipes;
using System.Text;
using Modular.Kernel.Streams;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Kernel.Tests.Streams;

/// <summary>The copier over real pipes, as it reads a container's stdout and stderr.</summary>
public sealed class OutputCopierTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Lines_of_both_streams_reach_the_sink_and_the_copier_ends_with_the_pipes()
    {
        using var stdout = new OsPipe();
        using var stderr = new OsPipe();
        var sink = new RecordingSink();

        var copier = OutputCopier.CopyAsync(stdout.Reader, stderr.Reader, sink, new OutputHub());
        stdout.Write("out 1\nout 2\n");
        stderr.Write("err 1\n");
        stdout.Write("unfinished");
        stdout.CloseWriter();
        stderr.CloseWriter();
        await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var messages = sink.Messages;
        Assert.Equal(["out 1\n", "out 2\n", "unfinished"], messages.Where(m => m.Source == LogSource.Stdout).Select(m => m.Text));
        Assert.Equal(["err 1\n"], messages.Where(m => m.Source == LogSource.Stderr).Select(m => m.Text));
        Assert.True(sink.Entries[^1].IsFlush, "the last message was not flushed");
    }

    [Fact]
    public async Task Lines_that_arrive_in_one_read_are_flushed_once()
    {
        using var stdout = new OsPipe();
        var sink = new RecordingSink();
        var lines = string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n"));

        var copier = OutputCopier.CopyAsync(stdout.Reader, Stream.Null, sink, new OutputHub());
        // Under PIPE_BUF, so one write(2): the copier's next read takes all of it.
        stdout.Write(lines);
        stdout.CloseWriter();
        await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(100, sink.Messages.Count);
        Assert.Equal(lines, string.Concat(sink.Messages.Select(m => m.Text)));
        Assert.True(sink.Entries[100].IsFlush);
        Assert.All(sink.Entries.Take(100), e => Assert.False(e.IsFlush));
    }

    [Fact]
    public async Task Attached_clients_get_the_raw_bytes_of_the_streams_they_asked_for()
    {
        using var stdout = new OsPipe();
        using var stderr = new OsPipe();
        var hub = new OutputHub();
        var stdoutOnly = hub.Subscribe(stdout: true, stderr: false);

        var copier = OutputCopier.CopyAsync(stdout.Reader, stderr.Reader, new RecordingSink(), hub);
        stdout.Write("a\nb");
        stderr.Write("not for this client\n");
        stdout.Write("c\n");
        stdout.CloseWriter();
        stderr.CloseWriter();
        await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        hub.Complete();

        var received = new List<byte>();
        await foreach (var chunk in stdoutOnly.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(LogSource.Stdout, chunk.Source);
            received.AddRange(chunk.Bytes.ToArray());
        }
        Assert.Equal("a\nbc\n", Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task A_failing_sink_does_not_stop_the_draining_and_its_error_is_reported()
    {
        using var stdout = new OsPipe();
        var sink = new RecordingSink { FailWith = new IOException("disk full") };

        var copier = OutputCopier.CopyAsync(stdout.Reader, Stream.Null, sink, new OutputHub());
        // Far more than a pipe holds: the writer only finishes if the copier keeps reading.
        var writer = Task.Run(() =>
        {
            var line = Encoding.UTF8.GetBytes(new string('x', 1023) + "\n");
            for (var i = 0; i < 1024; i++)
            {
                stdout.Write(line);
            }
            stdout.CloseWriter();
        }, TestContext.Current.CancellationToken);
        await writer.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<IOException>(() => copier.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public async Task Sinks_that_block_hold_back_only_their_own_containers_output()
    {
        // More blocked sinks than the loop has threads at rest: the others' output flows only if the loop grows.
        using var release = new ManualResetEventSlim(false);
        var stuckPipes = Enumerable.Range(0, 3).Select(_ => new OsPipe()).ToList();
        using var free = new OsPipe();
        try
        {
            var stuck = stuckPipes.Select(p => OutputCopier.CopyAsync(p.Reader, Stream.Null, new RecordingSink { HoldLogsUntil = release }, new OutputHub())).ToList();
            foreach (var pipe in stuckPipes)
            {
                pipe.Write("held\n");
            }
            var sink = new RecordingSink();
            var copier = OutputCopier.CopyAsync(free.Reader, Stream.Null, sink, new OutputHub());
            free.Write("flows\n");
            free.CloseWriter();
            await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(["flows\n"], sink.Messages.Select(m => m.Text));
            Assert.All(stuck, task => Assert.False(task.IsCompleted));

            release.Set();
            foreach (var pipe in stuckPipes)
            {
                pipe.CloseWriter();
            }
            await Task.WhenAll(stuck).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            release.Set();
            stuckPipes.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task A_pipe_its_owner_closes_ends_the_copier_though_a_writer_remains()
    {
        // A process outside the container may keep the write end: the daemon gives up after its drain timeout.
        using var pipe = new OsPipe();
        var sink = new RecordingSink();
        var copier = OutputCopier.CopyAsync(pipe.Reader, Stream.Null, sink, new OutputHub());
        pipe.Write("before\n");
        var deadline = DateTime.UtcNow + Timeout;
        while (sink.Messages.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        pipe.Reader.Dispose();

        await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(["before\n"], sink.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Output_is_taken_out_of_the_pipe_only_once_it_is_logged()
    {
        // What a daemon killed mid-copy leaves behind must still be in the pipe for the next one.
        using var release = new ManualResetEventSlim(false);
        using var pipe = new OsPipe();
        var copier = OutputCopier.CopyAsync(pipe.Reader, Stream.Null, new RecordingSink { HoldLogsUntil = release }, new OutputHub());
        pipe.Write("kept\n");
        await Task.Delay(300, TestContext.Current.CancellationToken);

        Assert.Equal(5, pipe.BytesWaiting());

        release.Set();
        pipe.CloseWriter();
        await copier.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    private const ulong FIONREAD = 0x541B;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern unsafe int ioctl(int fd, ulong request, int* count);

    /// <summary>An OS pipe: the reader as a daemon gets it, the writer as the container holds it.</summary>
    private sealed class OsPipe : IDisposable
    {
        private readonly AnonymousPipeServerStream _writer = new(PipeDirection.Out);

        public OsPipe() => Reader = new AnonymousPipeClientStream(PipeDirection.In, _writer.ClientSafePipeHandle);

        public Stream Reader { get; }

        public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

        public void Write(byte[] bytes) => _writer.Write(bytes);

        public void CloseWriter() => _writer.Dispose();

        /// <summary>How many bytes wait in the pipe, unread (FIONREAD).</summary>
        public unsafe int BytesWaiting()
        {
            int count;
            return ioctl((int)_writer.ClientSafePipeHandle.DangerousGetHandle(), FIONREAD, &count) == 0 ? count : -1;
        }

        public void Dispose()
        {
            _writer.Dispose();
            Reader.Dispose();
        }
    }
}
