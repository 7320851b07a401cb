namespace Modular.Kernel.Build;

/// <summary>
/// Every entry under a folder, parents before children, with its slash-separated path relative to the folder. Symbolic
/// links are listed but never followed, so a link in a context (say to "/") cannot lead a walk out of it.
/// </summary>
public static class TreeWalker
{
    public static IEnumerable<(string Relative, FileSystemInfo Entry)> Walk(string root)
    {
        var pending = new Stack<(string Relative, DirectoryInfo Directory)>();
        pending.Push(("", new DirectoryInfo(root)));
        while (pending.Count > 0)
        {
            var (relative, directory) = pending.Pop();
            foreach (var entry in directory.EnumerateFileSystemInfos().OrderByDescending(e => e.Name, StringComparer.Ordinal))
            {
                var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                yield return (path, entry);
                if (entry is DirectoryInfo child && entry.LinkTarget is null)
                {
                    pending.Push((path, child));
                }
            }
        }
    }
}
