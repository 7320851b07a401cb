using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Modular.Sdk.Conformance.Network;

/// <summary>
/// Opens sockets inside a sandbox's network namespace from the test process: a short-lived thread joins the namespace
/// (setns), creates and binds the socket, and ends; the socket stays in the namespace it was made in. Lets the suites
/// run servers busybox has no applet for (busybox nc speaks no UDP).
/// </summary>
internal static partial class SandboxSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Socket BindUdp(string namespacePath, int port)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(namespacePath);
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns {namespacePath} failed with errno {Marshal.GetLastPInvokeError()}");
                }
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
            }
            catch (Exception e)
            {
                socket?.Dispose();
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? socket! : throw new IOException($"could not bind udp port {port} in {namespacePath}", failure);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
