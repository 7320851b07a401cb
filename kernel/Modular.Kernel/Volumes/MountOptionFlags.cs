namespace Modular.Kernel.Volumes;

/// <summary>
/// Splits a mount(8)-style option string (<c>o=</c> of a local volume) into mount(2) flags and the filesystem's own
/// data, as Docker's local driver does: "ro,nosuid,size=10m" is MS_RDONLY|MS_NOSUID plus "size=10m".
/// </summary>
public static class MountOptionFlags
{
    public const ulong ReadOnly = 0x1, NoSuid = 0x2, NoDev = 0x4, NoExec = 0x8, Synchronous = 0x10, Remount = 0x20,
        Mandatory = 0x40, DirSync = 0x80, NoAtime = 0x400, NoDirAtime = 0x800, Bind = 0x1000, Recursive = 0x4000,
        Unbindable = 0x20000, Private = 0x40000, Slave = 0x80000, Shared = 0x100000, RelAtime = 0x200000, StrictAtime = 0x1000000;

    private static readonly Dictionary<string, (bool Clear, ulong Flag)> Flags = new(StringComparer.Ordinal)
    {
        ["defaults"] = (false, 0), ["ro"] = (false, ReadOnly), ["rw"] = (true, ReadOnly),
        ["suid"] = (true, NoSuid), ["nosuid"] = (false, NoSuid), ["dev"] = (true, NoDev), ["nodev"] = (false, NoDev),
        ["exec"] = (true, NoExec), ["noexec"] = (false, NoExec), ["sync"] = (false, Synchronous), ["async"] = (true, Synchronous),
        ["dirsync"] = (false, DirSync), ["remount"] = (false, Remount), ["mand"] = (false, Mandatory), ["nomand"] = (true, Mandatory),
        ["atime"] = (true, NoAtime), ["noatime"] = (false, NoAtime), ["diratime"] = (true, NoDirAtime), ["nodiratime"] = (false, NoDirAtime),
        ["bind"] = (false, Bind), ["rbind"] = (false, Bind | Recursive), ["relatime"] = (false, RelAtime), ["norelatime"] = (true, RelAtime),
        ["strictatime"] = (false, StrictAtime), ["nostrictatime"] = (true, StrictAtime),
    };

    private static readonly Dictionary<string, ulong> Propagations = new(StringComparer.Ordinal)
    {
        ["private"] = Private, ["rprivate"] = Private | Recursive, ["shared"] = Shared, ["rshared"] = Shared | Recursive,
        ["slave"] = Slave, ["rslave"] = Slave | Recursive, ["unbindable"] = Unbindable, ["runbindable"] = Unbindable | Recursive,
    };

    public sealed record Parsed(ulong Flags, ulong Propagation, string Data);

    public static Parsed Parse(string options)
    {
        ulong flags = 0, propagation = 0;
        var data = new List<string>();
        foreach (var option in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Flags.TryGetValue(option, out var flag))
            {
                flags = flag.Clear ? flags & ~flag.Flag : flags | flag.Flag;
            }
            else if (Propagations.TryGetValue(option, out var change))
            {
                propagation |= change;
            }
            else
            {
                data.Add(option);
            }
        }
        return new Parsed(flags, propagation, string.Join(',', data));
    }
}
