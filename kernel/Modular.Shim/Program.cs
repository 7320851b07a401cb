using System.Text;
using Modular.Shim;
using Modular.Shim.Protocol;

return ShimProgram.Run(args);

/// <summary>
/// modular-shim: started by the daemon for one container. It creates the container through the OCI runtime, reports
/// <c>created &lt;pid&gt;</c> (or <c>failed &lt;reason&gt;</c>) on stdout, then lives detached from the daemon for as
/// long as the container runs, holding its stdio and, at the end, its exit status.
/// </summary>
internal static unsafe class ShimProgram
{
    private static readonly TimeSpan ConsolePatience = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        ShimArguments arguments;
        try
        {
            arguments = ShimArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            Report($"{ShimMessage.Failed} {ShimMessage.OneLine(e.Message)}");
            return 2;
        }
        try
        {
            return Serve(arguments);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            Report($"{ShimMessage.Failed} {ShimMessage.OneLine("modular-shim: " + e.Message)}");
            return 1;
        }
    }

    private static int Serve(ShimArguments arguments)
    {
        // Its own session: signals to the daemon's process group or terminal never reach the container's keeper.
        ShimNative.setsid();
        // The container's init becomes our child once `create` exits, so we can collect its status.
        ShimNative.prctl(ShimNative.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        Directory.CreateDirectory(arguments.StateDirectory);
        File.Delete(Path.Combine(arguments.StateDirectory, ShimMessage.ExitFile));
        RedirectDiagnostics(RuntimeCreate.LogFile(arguments));

        using var listener = ShimListener.Listen(ShimAddress.NameFor(arguments.StateDirectory));
        var stdio = ContainerStdio.Create(arguments.OpenStdin && !arguments.Terminal);
        var consolePath = arguments.Terminal ? ShimAddress.NewConsoleSocketPath() : null;
        using var console = consolePath is null ? null : ShimListener.ListenAtPath(consolePath);
        int exitCode;
        try
        {
            exitCode = RuntimeCreate.Run(arguments, consolePath, stdio);
        }
        finally
        {
            if (consolePath is not null)
            {
                File.Delete(consolePath);
            }
        }
        if (exitCode != 0)
        {
            Report($"{ShimMessage.Failed} {ShimMessage.OneLine(stdio.DrainErrors())}");
            return 1;
        }

        var master = console is null ? -1 : ReceiveTerminal(console);
        stdio.CloseChildEnds();
        if (console is not null)
        {
            stdio.CloseOutput();
        }
        var pid = int.Parse(File.ReadAllText(RuntimeCreate.PidFile(arguments)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var exits = new ExitWatcher(pid, arguments.StateDirectory);
        exits.Start();
        Report($"{ShimMessage.Created} {pid}");
        DetachFromDaemon();
        new ShimServer(listener, console is null ? stdio : null, master, pid, exits).Run();
        return 0;
    }

    private static int ReceiveTerminal(ShimListener console)
    {
        if (!console.WaitForConnection(ConsolePatience))
        {
            throw new IOException("the OCI runtime sent no terminal over the console socket");
        }
        using var connection = console.Accept();
        connection.ReadLine(out var descriptors);
        if (descriptors.Length == 0)
        {
            throw new IOException("the OCI runtime sent no terminal over the console socket");
        }
        foreach (var extra in descriptors.Skip(1))
        {
            Native.close(extra);
        }
        return descriptors[0];
    }

    private static void Report(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* data = bytes)
        {
            ShimNative.write(1, data, (nuint)bytes.Length);
        }
    }

    // Our own failures go to the run's log, not to the daemon's log, which may be gone. It is the file the runtime then
    // appends its JSON lines to: one file created per run instead of two (creating files is what costs most on a busy
    // file system). Emptied here, so a failure is never explained by an earlier run's error.
    private static void RedirectDiagnostics(string logFile)
    {
        var log = ShimNative.open(logFile, 0x641 /* O_WRONLY|O_CREAT|O_TRUNC|O_APPEND */, 0x180);
        if (log >= 0)
        {
            ShimNative.dup2(log, 2);
            Native.close(log);
        }
    }

    // The daemon reads our stdout until end of file: hand it that, and never write to a pipe it may have closed.
    private static void DetachFromDaemon()
    {
        var devNull = ShimNative.open("/dev/null", ShimNative.O_RDWR, 0);
        ShimNative.dup2(devNull, 0);
        ShimNative.dup2(devNull, 1);
        Native.close(devNull);
    }
}
