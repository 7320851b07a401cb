namespace Modular.E2E.Tests.Harness;

/// <summary>
/// Removes everything a daemon under test can leave below its private temp root: OCI containers, processes
/// (shims, containers) that name the root on their command line, mounts, and finally the folder itself.
/// Runs even when the daemon crashed or never started, so a failing test cannot leak into the host.
/// </summary>
public static class RootSweeper
{
    /// <summary>Sweeps <paramref name="root"/>; returns what could not be cleaned (empty when everything went).</summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(string root, IEnumerable<string> runcStateRoots)
    {
        var problems = new List<string>();
        foreach (var stateRoot in runcStateRoots.Where(Directory.Exists))
        {
            await DeleteRuncContainersAsync(stateRoot, problems);
        }
        await KillProcessesNamingAsync(root);
        await NetworkSweeper.SweepAsync(Path.Combine(root, "data"), problems);
        UnmountBelow(root, problems);
        DeleteFolder(root, problems);
        return problems;
    }

    private static async Task DeleteRuncContainersAsync(string stateRoot, List<string> problems)
    {
        var list = await CommandRunner.RunAsync("runc", ["--root", stateRoot, "list", "-q"], timeout: TimeSpan.FromSeconds(20));
        if (list.ExitCode != 0)
        {
            problems.Add($"runc list failed: {list}");
            return;
        }
        foreach (var id in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var delete = await CommandRunner.RunAsync("runc", ["--root", stateRoot, "delete", "-f", id], timeout: TimeSpan.FromSeconds(20));
            if (delete.ExitCode != 0)
            {
                problems.Add($"runc delete -f {id} failed: {delete}");
            }
        }
    }

    /// <summary>Shims outlive the daemon by design; the root's unique path in their arguments is how we know they are ours.</summary>
    private static async Task KillProcessesNamingAsync(string root)
    {
        var victims = ProcessesNaming(root);
        foreach (var pid in victims)
        {
            Libc.Signal(pid, Libc.SigKill);
        }
        for (var attempt = 0; attempt < 50 && victims.Any(pid => Directory.Exists($"/proc/{pid}")); attempt++)
        {
            await Task.Delay(100);
        }
    }

    private static List<int> ProcessesNaming(string root)
    {
        var self = Environment.ProcessId;
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == self)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                // A `runc init` cut off mid-create (no state.json yet, so runc cannot delete it) names the root
                // only in its environment.
                if (commandLine.Contains(root, StringComparison.Ordinal)
                    || (commandLine.StartsWith("runc init", StringComparison.Ordinal)
                        && File.ReadAllText(Path.Combine(directory, "environ")).Contains(root, StringComparison.Ordinal)))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process exited while we looked at it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static void UnmountBelow(string root, List<string> problems)
    {
        // Several passes: mounts can be stacked on the same point, and detaching one can reveal another.
        for (var pass = 0; pass < 5; pass++)
        {
            var mounts = MountTable.Below(root);
            if (mounts.Count == 0)
            {
                return;
            }
            foreach (var mount in mounts)
            {
                Libc.DetachMount(mount.MountPoint);
            }
        }
        foreach (var mount in MountTable.Below(root))
        {
            problems.Add($"still mounted: {mount.MountPoint} ({mount.FileSystemType} from {mount.Source})");
        }
    }

    private static void DeleteFolder(string root, List<string> problems)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        // Never recurse into a folder that still has mounts: a leftover bind mount would make us delete host files.
        if (MountTable.Below(root).Count > 0)
        {
            problems.Add($"left {root} in place because mounts remain below it");
            return;
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"could not delete {root}: {exception.Message}");
        }
    }
}
