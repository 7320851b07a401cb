using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>What --security-opt asked for. A null <see cref="SeccompProfile"/> with <see cref="SeccompUnconfined"/> false means the default profile.</summary>
public sealed record SecurityOptions(bool NoNewPrivileges, bool SeccompUnconfined, SeccompProfile? SeccompProfile)
{
    /// <summary>
    /// Parses HostConfig.SecurityOpt as dockerd does: "no-new-privileges[=bool]", "seccomp=unconfined|builtin|&lt;profile
    /// JSON&gt;" (the docker CLI inlines the file's content), "apparmor=..." and "label=..." (accepted: this host has neither
    /// AppArmor nor SELinux). "key:value" is the deprecated spelling of "key=value".
    /// </summary>
    public static SecurityOptions Parse(IReadOnlyList<string>? options)
    {
        var noNewPrivileges = false;
        var unconfined = false;
        SeccompProfile? profile = null;
        foreach (var option in options ?? [])
        {
            if (option == "no-new-privileges")
            {
                noNewPrivileges = true;
                continue;
            }
            if (option == "disable")
            {
                continue;
            }
            var separator = option.IndexOf('=') is var equals and >= 0 ? equals : option.IndexOf(':');
            if (separator < 0)
            {
                throw DriverException.InvalidArgument($"invalid --security-opt 1: \"{option}\"");
            }
            var key = option[..separator];
            var value = option[(separator + 1)..];
            switch (key)
            {
                case "label":
                case "apparmor":
                    break;
                case "seccomp":
                    (unconfined, profile) = value switch
                    {
                        "unconfined" => (true, null),
                        "builtin" or "" => (false, null),
                        _ => (false, SeccompProfileParser.Parse(value)),
                    };
                    break;
                case "no-new-privileges":
                    noNewPrivileges = bool.TryParse(value, out var parsed) || value is "1" or "0"
                        ? parsed || value == "1"
                        : throw DriverException.InvalidArgument($"invalid --security-opt 2: \"{option}\"");
                    break;
                default:
                    throw DriverException.InvalidArgument($"invalid --security-opt 2: \"{option}\"");
            }
        }
        return new SecurityOptions(noNewPrivileges, unconfined, profile);
    }
}
