using Modular.Shim.Protocol;

namespace Modular.Shim;

/// <summary>
/// Reaps the container's init (the shim is its subreaper once `create` has exited), writes the status to the state
/// directory before anyone is told, so a daemon that was away still learns it, and wakes the server loop.
/// </summary>
internal sealed unsafe class ExitWatcher
{
    private readonly int _initPid;
    private readonly string _exitFile;
    private readonly int _wakeReader;
    private readonly int _wakeWriter;
    private volatile int _status = -1;

    public ExitWatcher(int initPid, string stateDirectory)
    {
        _initPid = initPid;
        _exitFile = Path.Combine(stateDirectory, ShimMessage.ExitFile);
        var fds = stackalloc int[2];
        if (ShimNative.pipe2(fds, ShimNative.O_CLOEXEC) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Native.Errno}");
        }
        _wakeReader = fds[0];
        _wakeWriter = fds[1];
    }

    /// <summary>Becomes readable once the init has exited.</summary>
    public int WakeDescriptor => _wakeReader;

    /// <summary>The init's exit status, or -1 while it runs.</summary>
    public int Status => _status;

    public void Start() => new Thread(Watch) { IsBackground = true, Name = "reaper" }.Start();

    private void Watch()
    {
        while (true)
        {
            int status;
            var pid = ShimNative.waitpid(-1, &status, 0);
            if (pid == _initPid)
            {
                Record(ShimNative.DecodeStatus(status));
                return;
            }
            if (pid < 0 && Native.Errno == ShimNative.ECHILD)
            {
                // Reaped elsewhere or never ours: a status can no longer be known.
                Record(255);
                return;
            }
            // Any other pid: an orphan that was re-parented to us; reaping it is all there is to do.
        }
    }

    // Renamed into place but not fsynced: the file must survive the death of processes (ours, the daemon's), which
    // the page cache guarantees; exec-root is a tmpfs that a power loss empties anyway.
    private void Record(int status)
    {
        var temporary = _exitFile + ".tmp";
        File.WriteAllText(temporary, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temporary, _exitFile, overwrite: true);
        _status = status;
        var one = stackalloc byte[1];
        one[0] = 1;
        ShimNative.write(_wakeWriter, one, 1);
    }
}
