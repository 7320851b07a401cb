namespace Modular.Kernel.Configuration;

/// <summary>
/// systemd socket activation (`-H fd://`, as docker.service uses): the listening sockets are inherited as file
/// descriptors 3, 4, ... and announced through LISTEN_PID and LISTEN_FDS.
/// </summary>
public static class SystemdSockets
{
    public const string Host = "fd://";
    private const int FirstDescriptor = 3;

    public static IReadOnlyList<int> Inherited()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid != Environment.ProcessId.ToString() || !int.TryParse(count, out var n) || n <= 0)
        {
            throw new ConfigurationException("hosts: fd:// was given but systemd passed no sockets (LISTEN_FDS is not set for this process)");
        }
        return Enumerable.Range(FirstDescriptor, n).ToList();
    }
}
