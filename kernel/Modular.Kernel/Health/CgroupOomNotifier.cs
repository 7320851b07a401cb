using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Modular.Kernel.Health;

/// <summary>
/// Tells, the moment it happens, that the kernel's OOM killer struck in a container's memory cgroup. One thread
/// waits on one epoll set for every watched container: cgroup v1 signals an eventfd registered through
/// cgroup.event_control against memory.oom_control (also when the cgroup is removed), cgroup v2 modifies
/// memory.events, watched with inotify. A watch ends when its container's cgroup goes or when it is unwatched.
/// </summary>
public sealed partial class CgroupOomNotifier : IDisposable
{
    private const int InotifyModify = 0x2;
    private const int InotifyIgnored = 0x8000;
    private const int InotifyNonBlock = 0x800;
    private const int InotifyCloseOnExec = 0x80000;

    private readonly string _cgroupRoot;
    private readonly bool _unified;
    private readonly ILogger _logger;
    private readonly int _epoll;
    private readonly ConcurrentDictionary<long, WatchState> _byToken = new();
    private readonly ConcurrentDictionary<string, WatchState> _byContainer = new(StringComparer.Ordinal);
    private long _nextToken;
    private volatile bool _disposed;

    public CgroupOomNotifier(ILogger logger, string cgroupRoot = "/sys/fs/cgroup")
    {
        _logger = logger;
        _cgroupRoot = cgroupRoot;
        _unified = File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"));
        _epoll = epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        new Thread(Loop) { IsBackground = true, Name = "oom-notifier" }.Start();
    }

    /// <summary>
    /// Starts watching the memory cgroup at <paramref name="relativeCgroup"/> (relative to the hierarchy's root);
    /// <paramref name="onOomKill"/> runs on the notifier's thread at each OOM event while the cgroup exists.
    /// False when the cgroup is not there (the container is already gone).
    /// </summary>
    public bool Watch(string containerId, string relativeCgroup, Action onOomKill)
    {
        Unwatch(containerId);
        var folder = _unified ? Path.Combine(_cgroupRoot, relativeCgroup) : Path.Combine(_cgroupRoot, "memory", relativeCgroup);
        var watch = _unified ? WatchUnified(folder) : WatchV1(folder);
        if (watch is null)
        {
            return false;
        }
        watch.ContainerId = containerId;
        watch.OnOomKill = onOomKill;
        watch.Token = Interlocked.Increment(ref _nextToken);
        _byToken[watch.Token] = watch;
        _byContainer[containerId] = watch;
        if (!Register(watch))
        {
            Remove(watch);
            return false;
        }
        return true;
    }

    public void Unwatch(string containerId)
    {
        if (_byContainer.TryGetValue(containerId, out var watch))
        {
            Remove(watch);
        }
    }

    public int Count => _byContainer.Count;

    private unsafe bool Register(WatchState watch)
    {
        var registration = new epoll_event { events = EPOLLIN };
        registration.data.u64 = (ulong)watch.Token;
        return epoll_ctl(_epoll, EPOLL_CTL_ADD, watch.Descriptor, &registration) == 0;
    }

    // v1: an eventfd bound to memory.oom_control via cgroup.event_control ("<event fd> <oom_control fd>").
    private static WatchState? WatchV1(string folder)
    {
        var eventDescriptor = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (eventDescriptor < 0)
        {
            return null;
        }
        var control = OpenFile(Path.Combine(folder, "memory.oom_control"), O_RDONLY);
        if (control < 0)
        {
            close(eventDescriptor);
            return null;
        }
        var registered = WriteFile(Path.Combine(folder, "cgroup.event_control"), $"{eventDescriptor} {control}");
        if (!registered)
        {
            close(control);
            close(eventDescriptor);
            return null;
        }
        return new WatchState { Folder = folder, Descriptor = eventDescriptor, ControlDescriptor = control };
    }

    // v2: inotify on memory.events; every change of its counters (low, high, max, oom, oom_kill) wakes us.
    private static WatchState? WatchUnified(string folder)
    {
        var inotify = inotify_init1(InotifyNonBlock | InotifyCloseOnExec);
        if (inotify < 0)
        {
            return null;
        }
        if (inotify_add_watch(inotify, Path.Combine(folder, "memory.events"), InotifyModify) < 0)
        {
            close(inotify);
            return null;
        }
        return new WatchState { Folder = folder, Descriptor = inotify, ControlDescriptor = -1, Unified = true, LastKills = OomKillsIn(folder, true) };
    }

    private unsafe void Loop()
    {
        const int batch = 32;
        var events = stackalloc epoll_event[batch];
        while (!_disposed)
        {
            var ready = epoll_wait(_epoll, events, batch, 1000);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR)
                {
                    continue;
                }
                _logger.LogWarning("epoll_wait of the OOM notifier failed: errno {Errno}", Marshal.GetLastPInvokeError());
                return;
            }
            for (var i = 0; i < ready; i++)
            {
                if (_byToken.TryGetValue((long)events[i].data.u64, out var watch))
                {
                    Handle(watch);
                }
            }
        }
    }

    private void Handle(WatchState watch)
    {
        lock (watch)
        {
            if (!watch.Closed)
            {
                HandleOpen(watch);
            }
        }
    }

    private void HandleOpen(WatchState watch)
    {
        var removed = Drain(watch);
        if (!Directory.Exists(watch.Folder))
        {
            // v1 signals the eventfd when the cgroup is removed; v2 reports IN_IGNORED: the container is gone.
            Remove(watch);
            return;
        }
        if (watch.Unified)
        {
            var kills = OomKillsIn(watch.Folder, unified: true);
            if (kills <= watch.LastKills)
            {
                if (removed)
                {
                    Remove(watch);
                }
                return;
            }
            watch.LastKills = kills;
        }
        try
        {
            watch.OnOomKill();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Reporting the OOM kill in {Container} failed", watch.ContainerId);
        }
    }

    // Empties the descriptor so epoll does not report it again; true when inotify says the watch itself ended.
    private static unsafe bool Drain(WatchState watch)
    {
        var buffer = stackalloc byte[4096];
        var ended = false;
        while (true)
        {
            long read = LibC.read(watch.Descriptor, buffer, 4096);
            if (read <= 0)
            {
                return ended;
            }
            if (!watch.Unified)
            {
                continue;
            }
            // struct inotify_event: int wd; uint32 mask; uint32 cookie; uint32 len; char name[len].
            for (long offset = 0; offset + 16 <= read;)
            {
                var mask = *(uint*)(buffer + offset + 4);
                var nameLength = *(uint*)(buffer + offset + 12);
                ended |= (mask & InotifyIgnored) != 0;
                offset += 16 + nameLength;
            }
        }
    }

    // Under the watch's lock, so the notifier thread never reads a descriptor closed (and its number reused) meanwhile.
    private unsafe void Remove(WatchState watch)
    {
        lock (watch)
        {
            if (watch.Closed)
            {
                return;
            }
            watch.Closed = true;
            _byToken.TryRemove(watch.Token, out _);
            _byContainer.TryRemove(new KeyValuePair<string, WatchState>(watch.ContainerId, watch));
            epoll_ctl(_epoll, EPOLL_CTL_DEL, watch.Descriptor, null);
            close(watch.Descriptor);
            if (watch.ControlDescriptor >= 0)
            {
                close(watch.ControlDescriptor);
            }
        }
    }

    /// <summary>The oom_kill counter of a memory cgroup folder (0 when it cannot be read).</summary>
    public static long OomKillsIn(string folder, bool unified)
    {
        try
        {
            var file = Path.Combine(folder, unified ? "memory.events" : "memory.oom_control");
            return (long)Stats.CgroupFiles.ReadKeyValuesIfPresent(file).GetValueOrDefault("oom_kill");
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static unsafe int OpenFile(string path, int flags)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return open(p, flags | O_CLOEXEC);
        }
    }

    private static bool WriteFile(string path, string content)
    {
        try
        {
            File.WriteAllText(path, content);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var watch in _byToken.Values)
        {
            Remove(watch);
        }
        close(_epoll);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int inotify_init1(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int inotify_add_watch(int fd, string path, uint mask);

    private sealed class WatchState
    {
        public required string Folder { get; init; }
        public required int Descriptor { get; init; }
        public required int ControlDescriptor { get; init; }
        public bool Unified { get; init; }
        public long LastKills { get; set; }
        public string ContainerId { get; set; } = "";
        public Action OnOomKill { get; set; } = () => { };
        public long Token { get; set; }
        public bool Closed { get; set; }
    }
}
