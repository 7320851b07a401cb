using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Modular.Kernel.Security;

/// <summary>
/// Turns a Docker-format profile into the OCI spec's linux.seccomp object for one container: rules whose capability or
/// architecture filters do not match are left out, as dockerd does, so the runtime only sees plain rules.
/// </summary>
public static class SeccompCompiler
{
    /// <summary>Docker's names for this host's architecture and the compat ones it can run.</summary>
    public static IReadOnlyList<string> HostArches { get; } = RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => ["amd64", "x86", "x32"],
        Architecture.Arm64 => ["arm64", "arm"],
        _ => [RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()],
    };

    public static JsonObject Compile(SeccompProfile profile, IReadOnlyCollection<string> capabilities) =>
        Compile(profile, capabilities, HostArches[0]);

    public static JsonObject Compile(SeccompProfile profile, IReadOnlyCollection<string> capabilities, string hostArch)
    {
        var syscalls = new JsonArray();
        foreach (var rule in profile.Syscalls.Where(r => Applies(r, capabilities, hostArch)))
        {
            var compiled = new JsonObject
            {
                ["names"] = new JsonArray(rule.Names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
                ["action"] = rule.Action,
            };
            if (rule.ErrnoRet is { } errno)
            {
                compiled["errnoRet"] = errno;
            }
            if (rule.Args.Count > 0)
            {
                compiled["args"] = new JsonArray(rule.Args.Select(a => (JsonNode)new JsonObject
                {
                    ["index"] = a.Index,
                    ["value"] = a.Value,
                    ["valueTwo"] = a.ValueTwo,
                    ["op"] = a.Op,
                }).ToArray());
            }
            syscalls.Add(compiled);
        }
        var seccomp = new JsonObject
        {
            ["defaultAction"] = profile.DefaultAction,
            ["architectures"] = new JsonArray(profile.Architectures.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["syscalls"] = syscalls,
        };
        if (profile.DefaultErrnoRet is { } defaultErrno)
        {
            seccomp["defaultErrnoRet"] = defaultErrno;
        }
        return seccomp;
    }

    private static bool Applies(SeccompRule rule, IReadOnlyCollection<string> capabilities, string hostArch)
    {
        if (rule.IncludesCaps.Count > 0 && !rule.IncludesCaps.Any(capabilities.Contains))
        {
            return false;
        }
        if (rule.ExcludesCaps.Any(capabilities.Contains))
        {
            return false;
        }
        if (rule.IncludesArches.Count > 0 && !rule.IncludesArches.Contains(hostArch))
        {
            return false;
        }
        return !rule.ExcludesArches.Contains(hostArch);
    }
}
