namespace Modular.E2E.Tests.Harness;

/// <summary>What a folder holds on disk, seen from outside the daemon: its size and the names at its top levels.</summary>
public static class FolderMeasure
{
    /// <summary>
    /// Apparent bytes (du -sbx: file lengths plus directory entries, hard links once), staying on the folder's
    /// filesystem so a running container's mounted rootfs is not counted twice.
    /// </summary>
    public static async Task<long> ApparentBytesAsync(string folder)
    {
        var du = await CommandRunner.RunAsync("du", ["-sbx", folder], timeout: TimeSpan.FromSeconds(30));
        if (du.ExitCode != 0 || !long.TryParse(du.Stdout.Split('\t')[0], out var bytes))
        {
            throw new InvalidOperationException($"could not measure {folder}: {du}");
        }
        return bytes;
    }

    /// <summary>
    /// Relative paths of every entry (folders, files, links, not followed) down to <paramref name="depth"/> levels: a
    /// driver keeps one folder per layer at the top (overlay2) or one level down (vfs's dir/), with its parts below.
    /// </summary>
    public static IReadOnlySet<string> Entries(string folder, int depth = 2)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        Collect(folder, folder, depth, found);
        return found;
    }

    private static void Collect(string root, string folder, int depth, SortedSet<string> found)
    {
        if (depth == 0 || !Directory.Exists(folder))
        {
            return;
        }
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            found.Add(Path.GetRelativePath(root, entry.FullName));
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                Collect(root, entry.FullName, depth - 1, found);
            }
        }
    }
}
