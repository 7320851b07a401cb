using System.Diagnostics;
using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// A real btrfs filesystem for one test class: a sparse image file formatted with <c>mkfs.btrfs</c>, attached to a
/// loop device and mounted on a temporary folder. Each test takes a fresh folder of it as a driver root. Disposing
/// unmounts, detaches the loop device and deletes the image whatever the tests did, then checks that neither the
/// mount nor the loop device is left behind.
/// </summary>
public sealed class BtrfsLoopFilesystem : IDisposable
{
    private const long ImageSize = 2L << 30; // 2 GiB, sparse: only what the tests write takes disk space

    private readonly string _folder;
    private readonly string _image;
    private string? _loopDevice;
    private bool _mounted;
    private readonly Exception? _setupFailure;

    public BtrfsLoopFilesystem()
    {
        _folder = Directory.CreateTempSubdirectory("modular-btrfs-").FullName;
        _image = Path.Join(_folder, "btrfs.img");
        MountPoint = Path.Join(_folder, "mnt");
        UnavailableReason = FindMissingPrerequisite();
        if (UnavailableReason is not null)
        {
            return;
        }
        try
        {
            using (var image = new FileStream(_image, FileMode.CreateNew, FileAccess.Write))
            {
                image.SetLength(ImageSize);
            }
            Run("mkfs.btrfs", "-q", _image);
            _loopDevice = Run("losetup", "--find", "--show", _image).Trim();
            Directory.CreateDirectory(MountPoint);
            LinuxSyscalls.Mount(_loopDevice, MountPoint, "btrfs", 0, null);
            _mounted = true;
        }
        catch (Exception e)
        {
            _setupFailure = e;
            TearDown();
        }
    }

    /// <summary>Where the filesystem is mounted.</summary>
    public string MountPoint { get; }

    /// <summary>Why btrfs cannot be tried on this host (not root, no mkfs.btrfs, no loop devices), or null.</summary>
    public string? UnavailableReason { get; }

    /// <summary>A new empty folder on the btrfs filesystem; skips the test when btrfs is unavailable here.</summary>
    public string NewRoot()
    {
        if (UnavailableReason is not null)
        {
            Assert.Skip(UnavailableReason);
        }
        if (_setupFailure is not null)
        {
            throw new InvalidOperationException($"the btrfs test filesystem could not be set up: {_setupFailure.Message}", _setupFailure);
        }
        return Directory.CreateDirectory(Path.Join(MountPoint, "root-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    public void Dispose()
    {
        TearDown();
        // The kernel may finish detaching the loop device a moment after LOOP_CLR_FD returns.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string> leftovers;
        while ((leftovers = Leftovers()).Count > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        if (leftovers.Count > 0)
        {
            throw new InvalidOperationException("the btrfs test filesystem was not cleaned up: " + string.Join("; ", leftovers));
        }
    }

    private List<string> Leftovers()
    {
        var leftovers = new List<string>();
        if (File.ReadAllText("/proc/mounts").Contains($" {MountPoint} ", StringComparison.Ordinal))
        {
            leftovers.Add($"{MountPoint} is still mounted");
        }
        if (_loopDevice is not null && Run("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE").Contains(_image, StringComparison.Ordinal))
        {
            leftovers.Add($"{_loopDevice} still backs {_image}");
        }
        return leftovers;
    }

    private void TearDown()
    {
        try
        {
            if (_mounted)
            {
                UnmountWithRetries();
                _mounted = false;
            }
        }
        finally
        {
            try
            {
                if (_loopDevice is not null)
                {
                    Run("losetup", "--detach", _loopDevice);
                }
            }
            finally
            {
                FileTree.RemoveAll(_folder);
            }
        }
    }

    // A process a test started (btrfs-progs) may hold the filesystem for a moment after it exits.
    private void UnmountWithRetries()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                LinuxSyscalls.Unmount(MountPoint, detach: false);
                return;
            }
            catch (SyscallException e) when (e.Errno == Errno.EBUSY && attempt < 20)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static string? FindMissingPrerequisite()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root to format, attach and mount a btrfs image";
        }
        if (!File.ReadAllText("/proc/filesystems").Contains("\tbtrfs\n", StringComparison.Ordinal))
        {
            return "this kernel offers no btrfs (is the btrfs module loaded?)";
        }
        foreach (var tool in new[] { "mkfs.btrfs", "losetup" })
        {
            if (FindTool(tool) is null)
            {
                return $"{tool} is not installed (btrfs-progs and util-linux provide the test filesystem)";
            }
        }
        if (!File.Exists("/dev/loop-control"))
        {
            return "no loop devices: /dev/loop-control is missing";
        }
        return null;
    }

    private static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(folder => Path.Join(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a host tool and returns its output; throws with its error output when it fails.</summary>
    internal static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindTool(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result.Trim()}");
        }
        return output;
    }
}
