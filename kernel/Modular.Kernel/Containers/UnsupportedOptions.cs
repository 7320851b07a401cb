using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Containers;

/// <summary>
/// Refuses create requests that ask for something this version cannot do yet, naming the option, instead of
/// silently running a container without it. Each entry leaves this list when its feature lands.
/// </summary>
public static class UnsupportedOptions
{
    public static void Reject(ContainerCreateRequest request)
    {
        var host = request.HostConfig ?? new HostConfig();
        var asked = new List<string>();
        void Check(bool condition, string option)
        {
            if (condition)
            {
                asked.Add(option);
            }
        }

        Check(host.DeviceRequests is { Count: > 0 }, "device requests (--gpus)");
        Check(host.Links is { Count: > 0 }, "links (--link)");
        Check(host.PidMode.Length > 0 || host.IpcMode is not ("" or "private" or "shareable") || host.UTSMode.Length > 0 || host.UsernsMode.Length > 0, "shared namespaces (--pid, --ipc, --uts, --userns)");
        Health.HealthConfigValidator.Validate(request.Healthcheck);

        Networks.EtcFiles.ContainerEtcFiles.Validate(host);
        Security.ContainerSecurity.Validate(host);
        if (asked.Count > 0)
        {
            throw DriverException.InvalidArgument($"this version of Modular does not support {string.Join(", ", asked)} yet");
        }
    }
}
