namespace Modular.Sdk.Syscalls;

/// <summary>What <c>lstat(2)</c> reports about one filesystem node (the link itself for a symlink).</summary>
/// <param name="Mode">The full <c>st_mode</c>: file type bits and permission bits including setuid, setgid and sticky.</param>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Device">The device holding the node.</param>
/// <param name="Inode">The inode number; with <paramref name="Device"/> it identifies hard links.</param>
/// <param name="LinkCount">Number of hard links.</param>
/// <param name="SpecialDevice">For character and block devices, the device number the node stands for.</param>
/// <param name="AccessTime">Last access time.</param>
/// <param name="ModificationTime">Last modification time.</param>
public readonly record struct FileStatus(
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    ulong Device,
    ulong Inode,
    ulong LinkCount,
    ulong SpecialDevice,
    UnixTime AccessTime,
    UnixTime ModificationTime)
{
    /// <summary>The file type bits of <c>st_mode</c>.</summary>
    public const uint TypeMask = 0xF000;
    /// <summary>Type bits of a socket.</summary>
    public const uint TypeSocket = 0xC000;
    /// <summary>Type bits of a symbolic link.</summary>
    public const uint TypeSymlink = 0xA000;
    /// <summary>Type bits of a regular file.</summary>
    public const uint TypeRegular = 0x8000;
    /// <summary>Type bits of a block device.</summary>
    public const uint TypeBlockDevice = 0x6000;
    /// <summary>Type bits of a directory.</summary>
    public const uint TypeDirectory = 0x4000;
    /// <summary>Type bits of a character device.</summary>
    public const uint TypeCharDevice = 0x2000;
    /// <summary>Type bits of a FIFO.</summary>
    public const uint TypeFifo = 0x1000;

    /// <summary>The file type bits alone.</summary>
    public uint Type => Mode & TypeMask;

    /// <summary>Permission bits including setuid (04000), setgid (02000) and sticky (01000).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>Whether this is a directory.</summary>
    public bool IsDirectory => Type == TypeDirectory;

    /// <summary>Whether this is a regular file.</summary>
    public bool IsRegularFile => Type == TypeRegular;

    /// <summary>Whether this is a symbolic link.</summary>
    public bool IsSymlink => Type == TypeSymlink;

    /// <summary>Whether this is a character or block device.</summary>
    public bool IsDevice => Type is TypeCharDevice or TypeBlockDevice;

    /// <summary>Whether this is an overlayfs whiteout: a character device with device number 0/0.</summary>
    public bool IsOverlayWhiteout => Type == TypeCharDevice && SpecialDevice == 0;
}

/// <summary>A point in time as the kernel stores it: seconds and nanoseconds since the Unix epoch.</summary>
/// <param name="Seconds">Whole seconds since 1970-01-01T00:00:00Z.</param>
/// <param name="Nanoseconds">Nanoseconds within the second, 0 to 999,999,999.</param>
public readonly record struct UnixTime(long Seconds, long Nanoseconds)
{
    /// <summary>Converts a <see cref="DateTimeOffset"/> (100 ns precision).</summary>
    public static UnixTime From(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return new UnixTime(seconds, rest * 100);
    }

    /// <summary>This time as a <see cref="DateTimeOffset"/>, truncated to 100 ns.</summary>
    public DateTimeOffset ToDateTimeOffset() =>
        new(DateTime.UnixEpoch.Ticks + Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100, TimeSpan.Zero);
}
