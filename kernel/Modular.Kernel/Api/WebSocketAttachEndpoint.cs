using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Kernel.Containers;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// GET /containers/{id}/attach/ws: attach over a websocket, for browsers and tools that cannot hijack a connection.
/// Output goes out as binary messages, unframed (as dockerd sends it); messages received are the container's stdin.
/// </summary>
public static class WebSocketAttachEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/containers/{id}/attach/ws", async (HttpContext context, string id, ContainerService containers) =>
        {
            var container = containers.Store.Get(id);
            if (!context.WebSockets.IsWebSocketRequest)
            {
                throw DriverException.InvalidArgument("attach/ws needs a websocket upgrade request");
            }
            var handle = containers.HandleOf(container);
            var output = handle.Hub.Subscribe(Query.Bool(context, "stdout"), Query.Bool(context, "stderr"));
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var stop = new CancellationTokenSource();
            if (Query.Bool(context, "stdin") && container.Config.OpenStdin)
            {
                _ = Task.Run(() => ForwardStdinAsync(socket, handle, stop));
            }
            try
            {
                await foreach (var chunk in output.ReadAllAsync(stop.Token))
                {
                    await socket.SendAsync(chunk.Bytes, WebSocketMessageType.Binary, endOfMessage: true, stop.Token);
                }
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "container stopped", CancellationToken.None);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
                // The client closed the socket.
            }
            finally
            {
                handle.Hub.Unsubscribe(output);
            }
        });
    }

    private static async Task ForwardStdinAsync(WebSocket socket, ContainerHandle handle, CancellationTokenSource stop)
    {
        try
        {
            var stdin = await handle.Stdin.WaitAsync(stop.Token);
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await stop.CancelAsync();
                    return;
                }
                if (stdin is not null)
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, received.Count), stop.Token);
                    await stdin.FlushAsync(stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            await stop.CancelAsync();
        }
    }
}
