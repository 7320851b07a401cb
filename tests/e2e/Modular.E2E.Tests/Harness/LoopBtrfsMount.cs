namespace Modular.E2E.Tests.Harness;

/// <summary>
/// A btrfs filesystem in a sparse file, attached to a loop device and mounted on a folder: a real btrfs backing
/// filesystem on a host whose disks are ext4. Dispose unmounts it, detaches the loop device and deletes the file,
/// and fails loudly if the device stays attached.
/// </summary>
public sealed class LoopBtrfsMount : IAsyncDisposable
{
    private LoopBtrfsMount(string imageFile, string device, string mountPoint)
    {
        ImageFile = imageFile;
        Device = device;
        MountPoint = mountPoint;
    }

    public string ImageFile { get; }

    /// <summary>The loop device, e.g. /dev/loop3.</summary>
    public string Device { get; }

    public string MountPoint { get; }

    /// <summary>Creates a sparse <paramref name="bytes"/>-byte file, formats it btrfs and mounts it on <paramref name="mountPoint"/>.</summary>
    public static async Task<LoopBtrfsMount> CreateAsync(string imageFile, string mountPoint, long bytes)
    {
        await using (var file = File.Create(imageFile))
        {
            file.SetLength(bytes);
        }
        await MustRunAsync("mkfs.btrfs", ["-q", imageFile]);
        var device = (await MustRunAsync("losetup", ["--find", "--show", imageFile])).Stdout.Trim();
        try
        {
            Directory.CreateDirectory(mountPoint);
            await MustRunAsync("mount", ["-t", "btrfs", device, mountPoint]);
        }
        catch
        {
            await CommandRunner.RunAsync("losetup", ["-d", device]);
            File.Delete(imageFile);
            throw;
        }
        return new LoopBtrfsMount(imageFile, device, mountPoint);
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever a daemon left mounted inside goes first; the filesystem itself is normally gone already when the
        // daemon's own cleanup swept the folder it is mounted in.
        for (var pass = 0; pass < 5 && MountTable.Below(MountPoint).Count > 0; pass++)
        {
            foreach (var mount in MountTable.Below(MountPoint))
            {
                Libc.DetachMount(mount.MountPoint);
            }
        }
        // Detaching a device whose filesystem is still being released only marks it autoclear: wait until it is gone.
        await CommandRunner.RunAsync("losetup", ["-d", Device]);
        for (var attempt = 0; attempt < 50 && IsStillAttached(); attempt++)
        {
            await Task.Delay(100);
        }
        // The file may live in a folder a daemon's sweep already deleted.
        if (File.Exists(ImageFile))
        {
            File.Delete(ImageFile);
        }
        if (IsStillAttached())
        {
            throw new InvalidOperationException($"loop device {Device} is still attached to {ImageFile}");
        }
    }

    private bool IsStillAttached() => File.Exists($"/sys/block/{Path.GetFileName(Device)}/loop/backing_file");

    private static async Task<CommandResult> MustRunAsync(string command, string[] arguments)
    {
        var result = await CommandRunner.RunAsync(command, arguments, timeout: TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }
        return result;
    }
}
