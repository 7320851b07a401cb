using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>One node of a layer's diff directory, as overlayfs left it.</summary>
/// <param name="Path">Absolute inside the layer, e.g. <c>/etc/hosts</c>.</param>
/// <param name="Status">The node's own status.</param>
/// <param name="IsWhiteout">A 0/0 character device: the path is deleted from the layers below.</param>
/// <param name="IsOpaqueDirectory">A directory marked <c>trusted.overlay.opaque=y</c>: nothing below shows through it.</param>
internal sealed record UpperEntry(string Path, FileStatus Status, bool IsWhiteout, bool IsOpaqueDirectory);
