using Modular.Api.Client;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary>Reads one container's stats frames in the background and keeps the latest as a <see cref="StatsEntry"/>;
/// a stream that ends or fails leaves the line showing "--" (docker's invalid entry).</summary>
internal sealed class ContainerStatsReader : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile StatsEntry _current;

    private ContainerStatsReader(string container, int order, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _current = new StatsEntry { Container = container, Id = container };
        Order = order;
    }

    public int Order { get; }
    public StatsEntry Current => _current;
    public Exception? Error { get; private set; }

    public static ContainerStatsReader Start(EngineClient client, string container, bool once, CancellationToken cancellationToken, int order = 0)
    {
        var reader = new ContainerStatsReader(container, order, cancellationToken);
        _ = Task.Run(() => reader.ReadAsync(client, container, once), CancellationToken.None);
        return reader;
    }

    /// <summary>Completes at the first frame or failure, or after <paramref name="timeout"/> with the line marked invalid.</summary>
    public async Task FirstFrameAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_first.Task, Task.Delay(timeout)).ConfigureAwait(false) != _first.Task)
            _current = _current with { IsInvalid = true };
    }

    private async Task ReadAsync(EngineClient client, string container, bool once)
    {
        try
        {
            await foreach (var frame in client.StatsAsync(container, stream: !once, _stop.Token).ConfigureAwait(false))
            {
                _current = StatsEntry.From(container, frame);
                _first.TrySetResult();
                if (once)
                    return;
            }
            _current = _current with { IsInvalid = true };
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            Error = e;
            _current = _current with { IsInvalid = true };
        }
        finally
        {
            _first.TrySetResult();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
