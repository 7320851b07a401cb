using System.Runtime.InteropServices;

namespace Modular.Cli.Terminal;

/// <summary>
/// Puts the terminal on stdin into raw mode (cfmakeraw: no echo, no line editing, no signals from keys, no output
/// processing) and puts the saved settings back exactly once: on dispose, on process exit, or on a terminating signal,
/// so no exit path leaves the user's shell without echo. As docker, NORAW in the environment leaves the terminal alone.
/// </summary>
internal sealed unsafe class RawTerminalMode : IDisposable
{
    private readonly int _fileDescriptor;
    private readonly byte[] _saved = new byte[TerminalNative.TermiosBufferSize];
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _restored;

    private RawTerminalMode(int fileDescriptor)
    {
        _fileDescriptor = fileDescriptor;
    }

    /// <summary>Raw mode for stdin when it is a terminal; null (nothing to restore) otherwise.</summary>
    public static RawTerminalMode? EnterForStdin()
    {
        if (!TerminalNative.IsTerminal(TerminalNative.StdinFileDescriptor) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NORAW")))
            return null;
        var mode = new RawTerminalMode(TerminalNative.StdinFileDescriptor);
        mode.Enter();
        return mode;
    }

    private void Enter()
    {
        var raw = new byte[TerminalNative.TermiosBufferSize];
        fixed (byte* saved = _saved)
        fixed (byte* rawState = raw)
        {
            if (TerminalNative.GetAttributes(_fileDescriptor, saved) != 0)
                throw new IOException($"unable to read the terminal settings: errno {Marshal.GetLastPInvokeError()}");
            _saved.CopyTo(raw, 0);
            TerminalNative.MakeRaw(rawState);
            if (TerminalNative.SetAttributes(_fileDescriptor, TerminalNative.TcsaNow, rawState) != 0)
                throw new IOException($"unable to set the terminal to raw mode: errno {Marshal.GetLastPInvokeError()}");
        }

        AppDomain.CurrentDomain.ProcessExit += RestoreOnExit;
        // In raw mode keys raise no signals, but kill(1) still can: the shell must get its terminal back before we go.
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT, PosixSignal.SIGINT })
            _signals.Add(PosixSignalRegistration.Create(signal, _ => Restore()));
    }

    private void RestoreOnExit(object? sender, EventArgs e) => Restore();

    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0)
            return;
        fixed (byte* saved = _saved)
            TerminalNative.SetAttributes(_fileDescriptor, TerminalNative.TcsaNow, saved);
    }

    public void Dispose()
    {
        Restore();
        AppDomain.CurrentDomain.ProcessExit -= RestoreOnExit;
        foreach (var registration in _signals)
            registration.Dispose();
    }
}
