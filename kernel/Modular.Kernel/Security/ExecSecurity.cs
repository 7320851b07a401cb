using System.Text.Json.Nodes;
using Modular.Api.Models;

namespace Modular.Kernel.Security;

/// <summary>
/// An exec process runs under the container's own restrictions, as dockerd's do: its capability set (its
/// --cap-add/--cap-drop, or everything when the container is privileged; `exec --privileged` widens it to every
/// capability) and its --security-opt no-new-privileges.
/// </summary>
public static class ExecSecurity
{
    public static void Apply(JsonObject process, HostConfig host, bool execPrivileged)
    {
        var capabilities = Capabilities.Resolve(host.Privileged || execPrivileged, host.CapAdd, host.CapDrop);
        var list = new JsonArray(capabilities.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        process["capabilities"] = new JsonObject
        {
            ["bounding"] = list.DeepClone(),
            ["effective"] = list.DeepClone(),
            ["permitted"] = list.DeepClone(),
        };
        process["noNewPrivileges"] = SecurityOptions.Parse(host.SecurityOpt).NoNewPrivileges;
    }
}
