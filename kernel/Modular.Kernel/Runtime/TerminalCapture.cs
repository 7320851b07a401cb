using System.Security.Cryptography;

namespace Modular.Kernel.Runtime;

/// <summary>Runs a runtime command that may hand back a terminal (create or exec with a TTY) and collects it.</summary>
public static class TerminalCapture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<(CreatedContainer Created, Terminal? Terminal)> RunAsync(
        bool tty, Func<string?, Task<CreatedContainer>> run, CancellationToken cancellationToken)
    {
        if (!tty)
        {
            return (await run(null), null);
        }
        // A unix socket path is limited to 107 bytes, which a deep exec-root can exceed: use a short, private name.
        using var socket = new ConsoleSocket(Path.Combine(Path.GetTempPath(), $"modular-console-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.sock"));
        var receiving = socket.ReceiveAsync(cancellationToken);
        var created = await run(socket.Path);
        try
        {
            return (created, await receiving.WaitAsync(Patience, cancellationToken));
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }
}
