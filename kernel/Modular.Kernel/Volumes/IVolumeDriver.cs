namespace Modular.Kernel.Volumes;

/// <summary>
/// A volume driver inside the kernel: it owns where a volume's data lives and how it is made available to a
/// container. The kernel keeps the metadata (<see cref="VolumeStore"/>) and which containers use which volume; a driver
/// sees only names, options and mount references. Only <c>local</c> exists today; the shape follows Docker's volume
/// driver API (Create, Remove, Path, Mount, Unmount) so another driver, in process or behind a plugin, fits the same place.
/// </summary>
public interface IVolumeDriver
{
    string Name { get; }

    /// <summary>Refuses options the driver does not understand, before anything is created.</summary>
    void ValidateOptions(IReadOnlyDictionary<string, string> options);

    /// <summary>Creates the volume's storage; idempotent.</summary>
    void Create(VolumeRecord volume);

    /// <summary>Deletes the volume's storage and data. The caller has made sure no container uses it.</summary>
    void Remove(VolumeRecord volume);

    /// <summary>Where the volume's data is on the host (inspect's Mountpoint).</summary>
    string MountpointOf(VolumeRecord volume);

    /// <summary>Makes the data available for <paramref name="reference"/> (a container id) and returns the host path to bind.</summary>
    string Mount(VolumeRecord volume, string reference);

    /// <summary>Ends <paramref name="reference"/>'s use; the last one out releases what Mount set up. Idempotent.</summary>
    void Unmount(VolumeRecord volume, string reference);

    /// <summary>Bytes used by the volume's data, or -1 when the driver cannot tell.</summary>
    long Size(VolumeRecord volume);

    /// <summary>
    /// After a daemon restart: the references still alive (running containers); anything the driver had set up for
    /// others (a tmpfs or bind mount of a volume with options) is released.
    /// </summary>
    void Reconcile(VolumeRecord volume, IReadOnlyCollection<string> liveReferences);
}
