namespace Modular.Sdk.Storage;

/// <summary>The names the OCI image layer format and overlayfs use to mark deletions.</summary>
public static class Whiteouts
{
    /// <summary>Prefix of a whiteout entry: <c>.wh.NAME</c> deletes <c>NAME</c> from the layers below.</summary>
    public const string Prefix = ".wh.";

    /// <summary>Entry that makes its directory opaque: nothing of the layers below shows through it.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>Prefix of the aufs bookkeeping names (<c>.wh..wh.plnk</c>, ...) that carry no meaning for other drivers.</summary>
    public const string MetaPrefix = ".wh..wh.";

    /// <summary>The xattr overlayfs reads to treat a directory as opaque.</summary>
    public const string OverlayOpaqueXattr = "trusted.overlay.opaque";

    /// <summary>Prefix of every xattr overlayfs keeps for itself.</summary>
    public const string OverlayXattrPrefix = "trusted.overlay.";
}
