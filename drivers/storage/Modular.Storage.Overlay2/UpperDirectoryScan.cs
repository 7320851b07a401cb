using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Storage.Overlay2;

/// <summary>
/// Reads a layer's diff directory as overlayfs wrote it. Whiteouts and opaque directories translate to OCI form; a
/// renamed directory (<c>redirect</c>), a metadata-only copy-up (<c>metacopy</c>) or an xattr whiteout do not, because
/// their content or meaning lives in the lower layers, so the scan gives up on them and the caller compares trees.
/// </summary>
internal static class UpperDirectoryScan
{
    private static readonly string[] UntranslatableXattrs =
    [
        Whiteouts.OverlayXattrPrefix + "redirect",
        Whiteouts.OverlayXattrPrefix + "metacopy",
        Whiteouts.OverlayXattrPrefix + "whiteout",
    ];

    /// <summary>Every node under <paramref name="diffDirectory"/>, parents before children, or null when one cannot be translated.</summary>
    public static IReadOnlyList<UpperEntry>? TryScan(string diffDirectory, out string? untranslatable)
    {
        var entries = new List<UpperEntry>();
        untranslatable = Walk(diffDirectory, "", entries);
        return untranslatable is null ? entries : null;
    }

    private static string? Walk(string diffDirectory, string relativeDirectory, List<UpperEntry> entries)
    {
        foreach (var name in FileTree.ChildNames(Path.Join(diffDirectory, relativeDirectory)))
        {
            var relative = relativeDirectory + "/" + name;
            var hostPath = Path.Join(diffDirectory, relative);
            var status = LinuxSyscalls.LStat(hostPath);
            if (status.IsOverlayWhiteout)
            {
                entries.Add(new UpperEntry(relative, status, IsWhiteout: true, IsOpaqueDirectory: false));
                continue;
            }
            var xattrs = LinuxSyscalls.ListXattrs(hostPath);
            if (xattrs.FirstOrDefault(x => UntranslatableXattrs.Contains(x, StringComparer.Ordinal)) is { } feature)
            {
                return $"{relative} carries {feature}";
            }
            var opaque = false;
            if (status.IsDirectory && xattrs.Contains(Whiteouts.OverlayOpaqueXattr, StringComparer.Ordinal))
            {
                var value = LinuxSyscalls.GetXattr(hostPath, Whiteouts.OverlayOpaqueXattr);
                if (value is not [(byte)'y'])
                {
                    // "x" marks a directory holding xattr whiteouts, which is not opaque at all.
                    return $"{relative} has {Whiteouts.OverlayOpaqueXattr}={System.Text.Encoding.ASCII.GetString(value ?? [])}";
                }
                opaque = true;
            }
            entries.Add(new UpperEntry(relative, status, IsWhiteout: false, opaque));
            if (status.IsDirectory && Walk(diffDirectory, relative, entries) is { } reason)
            {
                return reason;
            }
        }
        return null;
    }
}
