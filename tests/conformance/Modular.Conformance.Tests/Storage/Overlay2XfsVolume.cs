using System.Diagnostics;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// A real xfs filesystem for one test: a sparse image formatted with <c>mkfs.xfs</c>, attached to a loop device and
/// mounted with the given options (e.g. <c>prjquota</c>) on a temporary folder. When the kernel refuses the mount,
/// <see cref="MountFailure"/> says why instead of throwing, so a test can skip with the host's reason. Disposing
/// unmounts everything under the folder, detaches the loop device and deletes the image, whatever the test did.
/// </summary>
public sealed class Overlay2XfsVolume : IDisposable
{
    private const long ImageSize = 512L << 20; // xfs refuses filesystems under 300 MiB; sparse, so only writes cost disk

    private readonly string _folder;
    private readonly string _image;
    private string? _loopDevice;

    public Overlay2XfsVolume(string mountOptions)
    {
        _folder = Directory.CreateTempSubdirectory("modular-xfs-").FullName;
        _image = Path.Join(_folder, "xfs.img");
        MountPoint = Path.Join(_folder, "mnt");
        try
        {
            if (MissingTool() is { } missing)
            {
                MountFailure = missing;
                return;
            }
            using (var image = new FileStream(_image, FileMode.CreateNew, FileAccess.Write))
            {
                image.SetLength(ImageSize);
            }
            Run("mkfs.xfs", "-q", _image);
            _loopDevice = Run("losetup", "--find", "--show", _image).Trim();
            Directory.CreateDirectory(MountPoint);
            try
            {
                LinuxSyscalls.Mount(_loopDevice, MountPoint, "xfs", 0, mountOptions.Length == 0 ? null : mountOptions);
            }
            catch (SyscallException e)
            {
                MountFailure = $"this kernel cannot mount xfs with \"{mountOptions}\" ({e.Message}){KernelConfigurationHint(mountOptions)}";
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Where the filesystem is mounted, when <see cref="MountFailure"/> is null.</summary>
    public string MountPoint { get; }

    /// <summary>Why the filesystem could not be mounted on this host, or null when it is.</summary>
    public string? MountFailure { get; }

    /// <summary>A new empty folder on the filesystem.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Join(MountPoint, name)).FullName;

    public void Dispose()
    {
        try
        {
            foreach (var mountPoint in MountTable.MountPointsUnder(_folder))
            {
                LinuxSyscalls.Unmount(mountPoint);
            }
        }
        finally
        {
            try
            {
                if (_loopDevice is not null)
                {
                    // Detached lazily: the loop device goes once a lazily unmounted filesystem lets go of it.
                    Run("losetup", "--detach", _loopDevice);
                    _loopDevice = null;
                }
            }
            finally
            {
                FileTree.RemoveAll(_folder);
            }
        }
    }

    private static string? MissingTool()
    {
        foreach (var tool in new[] { "mkfs.xfs", "losetup" })
        {
            if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(folder => File.Exists(Path.Join(folder, tool))))
            {
                return $"{tool} is not installed (xfsprogs / util-linux)";
            }
        }
        return null;
    }

    // The mount error alone ("Invalid argument") hides the cause; the kernel configuration names it.
    private static string KernelConfigurationHint(string mountOptions)
    {
        const string config = "/proc/config.gz";
        if (!mountOptions.Contains("quota", StringComparison.Ordinal) || !File.Exists(config))
        {
            return "";
        }
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(config), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var text = reader.ReadToEnd();
        return text.Contains("# CONFIG_XFS_QUOTA is not set", StringComparison.Ordinal)
            ? ": the kernel is built without CONFIG_XFS_QUOTA"
            : "";
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()}");
        }
        return output;
    }
}
