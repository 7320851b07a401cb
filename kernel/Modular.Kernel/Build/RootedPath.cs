namespace Modular.Kernel.Build;

/// <summary>
/// Resolves a path inside a root folder (a build context or an image's root filesystem) the way a process chrooted
/// there would: <c>..</c> stops at the root and symlinks, absolute or relative, are followed inside it.
/// </summary>
public static class RootedPath
{
    private const int MaxLinks = 255;

    /// <summary>The host path <paramref name="path"/> names under <paramref name="root"/>; the last component's symlink is followed only when asked.</summary>
    public static string Resolve(string root, string path, bool followFinal)
    {
        var resolved = new List<string>();
        var pending = new Stack<string>(Split(path).Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var candidate = Path.Combine(root, string.Join('/', resolved.Append(part)));
            var isFinal = pending.Count == 0;
            var link = (!isFinal || followFinal) ? new FileInfo(candidate).LinkTarget : null;
            if (link is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links: {path}");
            }
            if (link.StartsWith('/'))
            {
                resolved.Clear();
            }
            foreach (var linkPart in Split(link).Reverse())
            {
                pending.Push(linkPart);
            }
        }
        return resolved.Count == 0 ? root : Path.Combine(root, string.Join('/', resolved));
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");
}
