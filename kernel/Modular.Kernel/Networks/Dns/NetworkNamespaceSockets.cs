using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// Creates sockets inside another network namespace. A socket stays bound to the namespace it was created in, so a
/// dedicated thread enters the namespace (setns), creates the sockets, and ends; the daemon then serves them from
/// any thread. The thread is never a pool thread, which would carry the foreign namespace into unrelated work.
/// </summary>
public static partial class NetworkNamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Runs <paramref name="create"/> inside the namespace at <paramref name="namespacePath"/> (e.g. /proc/&lt;pid&gt;/ns/net).</summary>
    public static T CreateInside<T>(string namespacePath, Func<T> create)
    {
        using var handle = File.OpenHandle(namespacePath, FileMode.Open, FileAccess.Read);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns({namespacePath}) failed: errno {Marshal.GetLastPInvokeError()}");
                }
                result = create();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns-sockets",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure is SocketException or IOException ? failure : new IOException(failure.Message, failure);
        }
        return result!;
    }

    /// <summary>A socket of the given kind created inside the namespace.</summary>
    public static Socket Socket(string namespacePath, AddressFamily family, SocketType type, ProtocolType protocol) =>
        CreateInside(namespacePath, () => new Socket(family, type, protocol));

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
