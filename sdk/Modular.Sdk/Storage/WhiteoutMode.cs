namespace Modular.Sdk.Storage;

/// <summary>How <see cref="LayerArchive"/> turns OCI whiteouts into files on disk.</summary>
public enum WhiteoutMode
{
    /// <summary>
    /// The target directory already holds the full content of the parent layers (a copy, as vfs keeps it):
    /// a whiteout deletes the path it names, an opaque marker deletes the directory's earlier content.
    /// </summary>
    DeletePaths = 0,

    /// <summary>
    /// The target directory is an overlayfs layer of its own: a whiteout becomes a 0/0 character device and an
    /// opaque marker sets <c>trusted.overlay.opaque=y</c> on its directory, so the kernel hides lower layers' content.
    /// </summary>
    OverlayNative = 1,
}
