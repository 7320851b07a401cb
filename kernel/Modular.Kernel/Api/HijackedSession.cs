using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Modular.Api.Streams;
using Modular.Kernel.Streams;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Api;

/// <summary>
/// Docker's hijacked connection, shared by attach and exec start: the HTTP connection is upgraded (101, Upgrade: tcp)
/// into a raw duplex stream; the client's bytes are a process's stdin, ours its output (8-byte framed without a TTY).
/// </summary>
public sealed class HijackedSession : IAsyncDisposable
{
    private const string MultiplexedType = "application/vnd.docker.multiplexed-stream";
    private const string RawType = "application/vnd.docker.raw-stream";

    // After an upgrade, RequestAborted fires when the client half-closes its side (the docker CLI does so at once when
    // it sends no stdin), yet output must keep flowing: a failed write is what tells us the client is gone.
    private readonly CancellationTokenSource _stop;
    private readonly bool _upgraded;

    private HijackedSession(Stream connection, bool upgraded, bool multiplexed, CancellationTokenSource stop)
    {
        Connection = connection;
        _upgraded = upgraded;
        Multiplexed = multiplexed;
        _stop = stop;
    }

    public Stream Connection { get; }

    /// <summary>Whether output is framed: always without a TTY (only the media type announcing it changed in API 1.42).</summary>
    public bool Multiplexed { get; }

    public static async Task<HijackedSession> OpenAsync(HttpContext context, bool tty)
    {
        var multiplexed = !tty;
        context.Response.Headers.ContentType = multiplexed && ApiVersioning.Of(context) >= new Version(1, 42) ? MultiplexedType : RawType;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is { IsUpgradableRequest: true })
        {
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = "tcp";
            return new HijackedSession(await upgrade.UpgradeAsync(), upgraded: true, multiplexed, new CancellationTokenSource());
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.StartAsync();
        return new HijackedSession(context.Response.Body, upgraded: false, multiplexed,
            CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted));
    }

    /// <summary>
    /// Forwards the client's bytes to the process's stdin once it exists. At the client's EOF, the process's stdin is
    /// closed when <paramref name="closeOnEof"/> is asked and there is no TTY; otherwise the session ends and the process
    /// keeps its stdin, as in moby (a terminal outlives any one client, so its input is never closed by one).
    /// Typing the detach keys ends the session and leaves the process running; <paramref name="detached"/> is called then.
    /// </summary>
    public void ForwardStdin(Task<Stream?> stdin, bool closeOnEof, DetachKeys detachKeys, Action detached)
    {
        if (!_upgraded)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var target = await stdin.WaitAsync(_stop.Token);
                if (target is null)
                {
                    return;
                }
                var matcher = detachKeys.NewMatcher();
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await Connection.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    var (forward, detach) = matcher.Feed(buffer.AsSpan(0, read));
                    if (forward.Length > 0)
                    {
                        await target.WriteAsync(forward, _stop.Token);
                        await target.FlushAsync(_stop.Token);
                    }
                    if (detach)
                    {
                        detached();
                        await _stop.CancelAsync();
                        return;
                    }
                }
                if (closeOnEof && Multiplexed)
                {
                    target.Close();
                }
                else
                {
                    await _stop.CancelAsync();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Either side closed; nothing more to forward.
            }
        });
    }

    /// <summary>Streams output chunks until the source completes or the client goes away.</summary>
    public async Task PumpOutputAsync(ChannelReader<OutputChunk> output)
    {
        try
        {
            await foreach (var chunk in output.ReadAllAsync(_stop.Token))
            {
                await WriteAsync(chunk.Source == LogSource.Stdout ? StdStreamKind.Stdout : StdStreamKind.Stderr, chunk.Bytes);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; the process goes on.
        }
    }

    public async Task WriteAsync(StdStreamKind kind, ReadOnlyMemory<byte> bytes)
    {
        if (Multiplexed)
        {
            await StdStreamFrames.WriteFrameAsync(Connection, kind, bytes, _stop.Token);
        }
        else
        {
            await Connection.WriteAsync(bytes, _stop.Token);
        }
        await Connection.FlushAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        if (_upgraded)
        {
            await Connection.DisposeAsync();
        }
    }
}
