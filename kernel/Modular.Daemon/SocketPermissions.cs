namespace Modular.Daemon;

/// <summary>
/// Kestrel creates the socket with the process umask; like dockerd, the daemon then makes it 0660 and gives it to the
/// configured group (default "docker", when that group exists) so members can use it without root.
/// </summary>
internal static class SocketPermissions
{
    public static void Apply(string socket, string? group)
    {
        File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        var gid = GroupId(group ?? "docker");
        if (gid is { } id)
        {
            Modular.Sdk.Syscalls.LinuxSyscalls.LChown(socket, 0, id);
        }
    }

    private static uint? GroupId(string name)
    {
        if (uint.TryParse(name, out var numeric))
        {
            return numeric;
        }
        if (!File.Exists("/etc/group"))
        {
            return null;
        }
        return File.ReadLines("/etc/group")
            .Select(l => l.Split(':'))
            .Where(p => p.Length >= 3 && p[0] == name && uint.TryParse(p[2], out _))
            .Select(p => (uint?)uint.Parse(p[2]))
            .FirstOrDefault();
    }
}
