namespace Modular.Kernel.Containers.Mounts;

/// <summary>
/// One mount of a container as decided at create time and persisted with it (Docker's MountPoint): a volume (by
/// name, anonymous ones included, so the same volume comes back on every start), a host path, or a tmpfs.
/// </summary>
public sealed class ContainerMount
{
    public const string BindType = "bind";
    public const string VolumeType = "volume";
    public const string TmpfsType = "tmpfs";

    /// <summary>"bind", "volume" or "tmpfs".</summary>
    public required string Type { get; init; }
    public required string Destination { get; init; }

    /// <summary>A bind's host path; for a volume its driver's mount point.</summary>
    public string Source { get; set; } = "";

    /// <summary>The volume's name (null for binds and tmpfs).</summary>
    public string? Name { get; set; }
    public string? Driver { get; set; }
    public bool ReadOnly { get; init; }

    /// <summary>The mode as inspect shows it: what followed the destination in <c>-v</c> ("z" for a local volume by default).</summary>
    public string Mode { get; set; } = "";

    /// <summary>"rprivate" (binds' default), "private", "shared", "rshared", "slave", "rslave"; "" for volumes and tmpfs.</summary>
    public string Propagation { get; init; } = "";

    /// <summary>Copy the image's content at the destination into the volume when it is empty (volumes without nocopy).</summary>
    public bool CopyData { get; set; }

    /// <summary>A volume's path to mount instead of its root (<c>volume-subpath</c>).</summary>
    public string? Subpath { get; init; }

    /// <summary>A missing bind source is created at start (<c>-v</c> syntax and <c>bind-create-src</c>) instead of refused.</summary>
    public bool CreateSource { get; init; }

    /// <summary>A bind of the source alone, without the mounts below it (<c>bind-nonrecursive</c>).</summary>
    public bool NonRecursive { get; init; }

    /// <summary>A read-only bind that stays writable below (its submounts keep their own flags): <c>bind-recursive=writable</c>.</summary>
    public bool ReadOnlyNonRecursive { get; set; }

    /// <summary>A read-only bind that must be read-only all the way down, or fail to start: <c>bind-recursive=readonly</c>.</summary>
    public bool ReadOnlyForceRecursive { get; init; }

    /// <summary>For tmpfs: mount(8) options such as "size=10m,mode=1777,exec".</summary>
    public string TmpfsOptions { get; init; } = "";

    /// <summary>Whether the volume was created for this container without a name (rm -v removes these).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Taken from another container by <c>--volumes-from</c>: a failed create never removes its volume.</summary>
    public bool Inherited { get; init; }

    /// <summary>The <c>--mount</c> that asked for this volume, for the driver options and labels of a volume it creates; not persisted.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Modular.Api.Models.Mount? Request { get; init; }
}
