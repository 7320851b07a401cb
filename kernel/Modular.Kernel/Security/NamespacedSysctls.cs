using System.Text.Json.Nodes;
using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>
/// --sysctl: only the kernel settings that live in the container's own namespaces (IPC and network), with dockerd's
/// rules and words; a network one is refused for a container on the host's network.
/// </summary>
public static class NamespacedSysctls
{
    private static readonly HashSet<string> IpcSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    public static void Validate(IReadOnlyDictionary<string, string>? sysctls, bool hostNetwork, bool hostIpc)
    {
        foreach (var (key, value) in sysctls ?? new Dictionary<string, string>())
        {
            var name = key.Trim();
            if (IpcSysctls.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (hostIpc)
                {
                    throw DriverException.InvalidArgument($"sysctl '{name}' is not allowed in host IPC namespace");
                }
                continue;
            }
            if (name.StartsWith("net.", StringComparison.Ordinal))
            {
                if (hostNetwork)
                {
                    throw DriverException.InvalidArgument($"sysctl '{name}' is not allowed in host network namespace");
                }
                continue;
            }
            throw DriverException.InvalidArgument($"sysctl '{name}={value}' is not allowed");
        }
    }

    public static JsonObject ToSpec(IReadOnlyDictionary<string, string> sysctls)
    {
        var spec = new JsonObject();
        foreach (var (key, value) in sysctls)
        {
            spec[key.Trim()] = value;
        }
        return spec;
    }
}
