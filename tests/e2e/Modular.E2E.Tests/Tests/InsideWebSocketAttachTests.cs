using System.Net.WebSockets;
using System.Text;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>GET /containers/{id}/attach/ws: stdin from websocket messages, stdout back as messages.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideWebSocketAttachTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task WebSocketAttachEchoesThroughCat()
    {
        var name = Names.Unique("attach-ws");
        try
        {
            var id = await daemon.RunDetachedAsync(name, ["-i"], "cat");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));

            using var connection = await UnixSocketWebSocket.ConnectAsync(daemon.SocketPath,
                $"/v1.51/containers/{id}/attach/ws?stream=1&stdout=1&stdin=1", deadline.Token);
            var socket = connection.Socket;
            await socket.SendAsync("hello\n"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, deadline.Token);

            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains('\n'))
            {
                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                Assert.True(result.MessageType != WebSocketMessageType.Close, $"closed after \"{received}\": {result.CloseStatusDescription}");
                received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", deadline.Token);

            Assert.Equal("hello\n", received.ToString());
            Assert.Equal("running", await daemon.InspectAsync(name, "{{.State.Status}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }
}
