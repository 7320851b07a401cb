using System.Net.Sockets;
using System.Text;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// What the end of an attached client's stdin does, as in moby: with StdinOnce and no TTY it closes the container's
/// stdin; otherwise it ends the attach and the container keeps its stdin (a TTY's input outlives any one client).
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class InsideAttachStdinEndTests(PrivateDaemon daemon)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientStdinEndEndsTheAttachAndLeavesTheContainerRunning(bool tty)
    {
        var name = Names.Unique("attach-eof");
        try
        {
            var id = await daemon.RunDetachedAsync(name, tty ? ["-i", "-t"] : ["-i"], "cat");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            using var socket = await HijackAttachAsync(id, deadline.Token);

            await socket.SendAsync("ping\n"u8.ToArray(), deadline.Token);
            var echoed = await ReadUntilAsync(socket, "ping", deadline.Token);
            Assert.Contains("ping", echoed);
            socket.Shutdown(SocketShutdown.Send);

            var rest = await ReadToEndAsync(socket, deadline.Token);
            Assert.False(deadline.IsCancellationRequested, $"the attach did not end at the client's stdin end; read \"{rest}\"");
            Assert.Equal("running", await daemon.InspectAsync(name, "{{.State.Status}}"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task ClientStdinEndWithStdinOnceClosesTheContainersStdin()
    {
        var name = Names.Unique("attach-once");
        try
        {
            // `docker run -i` asks for StdinOnce; the API request does here so the attach comes before the start.
            var body = "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"cat; echo cat-ended\"],\"OpenStdin\":true," +
                       "\"StdinOnce\":true,\"AttachStdin\":true,\"AttachStdout\":true,\"HostConfig\":{\"NetworkMode\":\"none\"}}";
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var created = await daemon.Api.PostAsync($"containers/create?name={name}", content, TestContext.Current.CancellationToken);
            var createdText = await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(created.IsSuccessStatusCode, createdText);
            var id = System.Text.Json.JsonDocument.Parse(createdText).RootElement.GetProperty("Id").GetString()!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            using var socket = await HijackAttachAsync(id, deadline.Token);
            Assert.Equal(0, (await daemon.Docker("start", name)).ExitCode);
            await socket.SendAsync("pong\n"u8.ToArray(), deadline.Token);
            await ReadUntilAsync(socket, "pong", deadline.Token);
            socket.Shutdown(SocketShutdown.Send);

            var rest = await ReadToEndAsync(socket, deadline.Token);
            Assert.Contains("cat-ended", rest);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private async Task<Socket> HijackAttachAsync(string id, CancellationToken cancellation)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(daemon.SocketPath), cancellation);
        var request = $"POST /v1.51/containers/{id}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n" +
                      "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), cancellation);
        var head = await ReadUntilAsync(socket, "\r\n\r\n", cancellation);
        Assert.StartsWith("HTTP/1.1 101", head);
        return socket;
    }

    private static async Task<string> ReadUntilAsync(Socket socket, string marker, CancellationToken cancellation)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(marker))
        {
            var read = await socket.ReceiveAsync(buffer, cancellation);
            Assert.True(read > 0, $"the connection ended before \"{marker}\"; read \"{text}\"");
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellation)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellation)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }
}
