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
        using var socket = new ConsoleSocket(Modular.Shim.Protocol.ShimAddress.NewConsoleSocketPath());
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
