namespace Modular.Sdk.Storage;

/// <summary>Where a <see cref="TreeCopy"/> departs from an exact copy.</summary>
[Flags]
public enum TreeCopyOptions
{
    /// <summary>An exact copy: every entry and every xattr, and a failure to set one is an error.</summary>
    None = 0,

    /// <summary>Socket files are left out (a socket means nothing without its listener; Docker's tar-based copies drop them too).</summary>
    SkipSockets = 1,

    /// <summary>An xattr the destination's filesystem refuses (tmpfs and <c>trusted.*</c>, for one) is dropped instead of failing the copy.</summary>
    TolerateRefusedXattrs = 2,
}
