using System.Globalization;
using System.Text.Json;

namespace Modular.Kernel.Runtime;

/// <summary>
/// Releases what `runc create` left for a container whose init is gone, its cgroups and its state directory, with
/// syscalls instead of a `runc delete` process: that Go binary costs about 5 ms of CPU each time, which a 100-container
/// `rm -f` on two cores paid a hundred times while the removals waited for the same cores. Only the case in which
/// runc's delete does nothing more is taken: runc's own state.json (cgroupfs driver, not rootless), the init dead, in a
/// PID namespace of its own (so nothing else can remain in its cgroups), no poststop hook, no Intel RDT group. In any
/// other case, or when a cgroup will not go, false is returned and runc's state is left for `runc delete`.
/// </summary>
internal static class RuncStoppedState
{
    private const string StateFile = "state.json";

    /// <summary>True when the container's runtime state in <paramref name="stateDirectory"/> is gone, by this call or before.</summary>
    public static bool TryRelease(string stateDirectory)
    {
        RuncState? state;
        try
        {
            state = Read(File.ReadAllBytes(Path.Combine(stateDirectory, StateFile)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // No state.json: an aborted create, which runc's delete clears with a plain RemoveAll; no state at all is done.
            return !Directory.Exists(stateDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
                                       or InvalidOperationException or FormatException)
        {
            return false; // unreadable, or not the state.json this runc version writes: runc knows its own
        }
        if (state is null || InitAlive(state.InitPid, state.InitStart))
        {
            return false;
        }
        foreach (var cgroup in state.CgroupPaths)
        {
            if (!TryRemoveCgroup(cgroup))
            {
                return false;
            }
        }
        try
        {
            Directory.Delete(stateDirectory, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed record RuncState(int InitPid, ulong InitStart, IReadOnlyList<string> CgroupPaths);

    // Null when the state asks for more than removing cgroups and the state directory.
    private static RuncState? Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var config = root.GetProperty("config");
        var cgroups = config.GetProperty("cgroups");
        if (Flag(cgroups, "Systemd") || Flag(cgroups, "Rootless") || Flag(root, "rootless")
            || Text(root, "intel_rdt_path").Length > 0 || !OwnPidNamespace(config) || HasPoststopHooks(config))
        {
            return null;
        }
        var paths = root.GetProperty("cgroup_paths").EnumerateObject().Select(p => p.Value.GetString() ?? "").ToList();
        if (paths.Any(p => !p.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal) || p.Contains("/../", StringComparison.Ordinal)))
        {
            return null;
        }
        return new RuncState(root.GetProperty("init_process_pid").GetInt32(), root.GetProperty("init_process_start").GetUInt64(), paths);
    }

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static bool OwnPidNamespace(JsonElement config) =>
        config.TryGetProperty("namespaces", out var namespaces) && namespaces.ValueKind == JsonValueKind.Array
        && namespaces.EnumerateArray().Any(n => Text(n, "type") == "NEWPID" && Text(n, "path").Length == 0);

    private static bool HasPoststopHooks(JsonElement config) =>
        config.TryGetProperty("Hooks", out var hooks) && hooks.ValueKind == JsonValueKind.Object
        && hooks.TryGetProperty("poststop", out var poststop) && poststop.ValueKind == JsonValueKind.Array && poststop.GetArrayLength() > 0;

    // runc's own test: the init is gone when its pid is free, reused (another start time), a zombie or dead.
    private static bool InitAlive(int pid, ulong startTime)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return false; // no such process, or it vanished while read
        }
        // Fields after the command, which is in parentheses and may hold anything: state is field 3, starttime 22.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
        {
            return false;
        }
        return ulong.Parse(fields[19], CultureInfo.InvariantCulture) == startTime;
    }

    private static bool TryRemoveCgroup(string path)
    {
        try
        {
            Directory.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Busy (a process still leaving, a child cgroup made inside): runc's delete retries and recurses.
            return false;
        }
    }
}
