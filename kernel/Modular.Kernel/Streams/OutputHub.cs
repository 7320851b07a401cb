using System.Threading.Channels;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>A piece of a running container's output, as read from its stdout or stderr pipe.</summary>
public readonly record struct OutputChunk(LogSource Source, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Fans one container run's output out to every attached client. Subscribers that attach before start (as
/// `docker run` does) see everything; the hub completes when the container's pipes are drained.
/// </summary>
public sealed class OutputHub
{
    private readonly List<(Channel<OutputChunk> Channel, bool Stdout, bool Stderr)> _subscribers = new();
    private bool _completed;

    public ChannelReader<OutputChunk> Subscribe(bool stdout, bool stderr)
    {
        var channel = Channel.CreateUnbounded<OutputChunk>(new UnboundedChannelOptions { SingleReader = true });
        lock (_subscribers)
        {
            if (_completed)
            {
                channel.Writer.Complete();
            }
            else
            {
                _subscribers.Add((channel, stdout, stderr));
            }
        }
        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<OutputChunk> reader)
    {
        lock (_subscribers)
        {
            _subscribers.RemoveAll(s => s.Channel.Reader == reader);
        }
    }

    /// <summary>
    /// Hands a copy of <paramref name="bytes"/> to every subscriber of <paramref name="source"/>; with none (a detached
    /// container) nothing is copied.
    /// </summary>
    public void Publish(LogSource source, ReadOnlySpan<byte> bytes)
    {
        lock (_subscribers)
        {
            OutputChunk? chunk = null;
            foreach (var (channel, stdout, stderr) in _subscribers)
            {
                if (source == LogSource.Stdout ? stdout : stderr)
                {
                    chunk ??= new OutputChunk(source, bytes.ToArray());
                    channel.Writer.TryWrite(chunk.Value);
                }
            }
        }
    }

    public void Complete()
    {
        lock (_subscribers)
        {
            _completed = true;
            foreach (var (channel, _, _) in _subscribers)
            {
                channel.Writer.TryComplete();
            }
            _subscribers.Clear();
        }
    }
}
