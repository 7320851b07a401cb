using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>
/// Mounts overlay stacks. With Linux 6.8+ every lower directory is passed as its own <c>lowerdir+</c> option through the
/// new mount API, so depth is bounded only by overlayfs' own limit; older kernels get classic <c>mount(2)</c>, whose
/// option string must fit in one page, which the short <c>l/</c> links keep small.
/// </summary>
internal sealed class OverlayMounter
{
    /// <summary>Overlayfs' limit on lower layers (OVL_MAX_STACK).</summary>
    public const int KernelMaxLowerLayers = 500;

    private const int MountDataLimit = 4095; // one page including the terminating NUL

    public OverlayMounter(string probeDirectory)
    {
        UsesLowerDirAppend = ProbeLowerDirAppend(probeDirectory);
    }

    /// <summary>Whether the kernel takes lower directories one by one (<c>lowerdir+</c>).</summary>
    public bool UsesLowerDirAppend { get; }

    /// <summary>How many lower directories of <paramref name="lowerPathLength"/> characters one mount can take.</summary>
    public int MaxLowerLayers(int lowerPathLength, int upperAndWorkLength)
    {
        if (UsesLowerDirAppend)
        {
            return KernelMaxLowerLayers;
        }
        var budget = MountDataLimit - "index=off,metacopy=off,lowerdir=".Length - upperAndWorkLength;
        return Math.Min(KernelMaxLowerLayers, budget / (lowerPathLength + 1));
    }

    /// <summary>Mounts an overlay at <paramref name="target"/>: <paramref name="lowers"/> top first, read-only when no upper is given.</summary>
    public void Mount(string target, IReadOnlyList<string> lowers, string? upper, string? work)
    {
        if (UsesLowerDirAppend)
        {
            using var context = FilesystemContext.Open("overlay");
            context.SetString("source", "overlay");
            foreach (var lower in lowers)
            {
                context.SetString("lowerdir+", lower);
            }
            if (upper is not null)
            {
                context.SetString("upperdir", upper);
                context.SetString("workdir", work!);
            }
            context.SetString("index", "off");
            context.SetString("metacopy", "off");
            context.MountAt(target);
            return;
        }
        var data = "index=off,metacopy=off,lowerdir=" + string.Join(':', lowers) +
            (upper is null ? "" : $",upperdir={upper},workdir={work}");
        if (data.Length > MountDataLimit)
        {
            throw DriverException.InvalidArgument(
                $"the overlay options for {target} are {data.Length} bytes, over the one-page limit of mount(2) on this kernel");
        }
        LinuxSyscalls.Mount("overlay", target, "overlay", upper is null ? LinuxSyscalls.MountReadOnly : 0, data);
    }

    private static bool ProbeLowerDirAppend(string directory)
    {
        try
        {
            using var context = FilesystemContext.Open("overlay");
            context.SetString("lowerdir+", directory);
            return true;
        }
        catch (SyscallException)
        {
            return false;
        }
    }
}
