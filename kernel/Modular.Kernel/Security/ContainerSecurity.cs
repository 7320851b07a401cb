using System.Text.Json.Nodes;
using Modular.Api.Models;

namespace Modular.Kernel.Security;

/// <summary>
/// Applies the container's security and device options to the runtime spec OciSpecBuilder made for a default
/// container: capabilities, seccomp, no-new-privileges, privileged mode, devices, ulimits, sysctls, supplementary
/// groups, --init and --oom-kill-disable.
/// </summary>
public static class ContainerSecurity
{
    /// <summary>Refuses, at create, every option value dockerd refuses, naming the option.</summary>
    public static void Validate(HostConfig host)
    {
        SecurityOptions.Parse(host.SecurityOpt);
        Capabilities.Validate(host.CapAdd, host.CapDrop);
        ProcessLimits.Validate(host.Ulimits);
        NamespacedSysctls.Validate(host.Sysctls, host.NetworkMode == "host", host.IpcMode == "host");
        if (!host.Privileged)
        {
            ContainerDevices.Validate(host.Devices);
        }
        if (host.Init == true)
        {
            InitProcess.HostBinary();
        }
    }

    public static JsonObject Apply(JsonObject spec, HostConfig host, string rootfs)
    {
        var security = SecurityOptions.Parse(host.SecurityOpt);
        var capabilities = Capabilities.Resolve(host.Privileged, host.CapAdd, host.CapDrop);
        var process = spec["process"]!.AsObject();
        var linux = spec["linux"]!.AsObject();
        var resources = linux["resources"]!.AsObject();

        var capabilityList = new JsonArray(capabilities.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        process["capabilities"] = new JsonObject
        {
            ["bounding"] = capabilityList.DeepClone(),
            ["effective"] = capabilityList.DeepClone(),
            ["permitted"] = capabilityList.DeepClone(),
        };
        process["noNewPrivileges"] = security.NoNewPrivileges;
        if (host.Ulimits is { Count: > 0 } ulimits)
        {
            process["rlimits"] = ProcessLimits.ToRlimits(ulimits);
        }
        if (host.GroupAdd is { Count: > 0 } groupAdd)
        {
            var user = process["user"]!.AsObject();
            var gids = (user["additionalGids"]?.AsArray().Select(g => (uint)g!) ?? []).ToList();
            gids.AddRange(SupplementaryGroups.Resolve(rootfs, groupAdd).Where(g => !gids.Contains(g)));
            user["additionalGids"] = new JsonArray(gids.Select(g => (JsonNode)JsonValue.Create(g)).ToArray());
        }
        if (host.Init == true)
        {
            var args = process["args"]!.AsArray().Select(a => (string)a!).ToList();
            process["args"] = new JsonArray(InitProcess.Wrap(args).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
            spec["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = InitProcess.ContainerPath,
                ["type"] = "bind",
                ["source"] = InitProcess.HostBinary(),
                ["options"] = new JsonArray("bind", "ro"),
            });
        }

        if (host.Privileged)
        {
            ApplyPrivileged(spec, linux, resources);
        }
        else
        {
            var devices = (host.Devices ?? []).SelectMany(ContainerDevices.Resolve).ToList();
            AddDevices(linux, resources, devices);
            if (!security.SeccompUnconfined)
            {
                linux["seccomp"] = SeccompCompiler.Compile(security.SeccompProfile ?? DefaultSeccompProfile.Profile, capabilities);
            }
        }
        if (host.Sysctls is { Count: > 0 } sysctls)
        {
            linux["sysctl"] = NamespacedSysctls.ToSpec(sysctls);
        }
        if (host.OomKillDisable == true)
        {
            if (resources["memory"] is not JsonObject memory)
            {
                resources["memory"] = memory = new JsonObject();
            }
            memory["disableOOMKiller"] = true;
        }
        return spec;
    }

    // As dockerd: every host device, any device in the cgroup, /sys and the cgroup tree writable, nothing masked.
    private static void ApplyPrivileged(JsonObject spec, JsonObject linux, JsonObject resources)
    {
        linux.Remove("maskedPaths");
        linux.Remove("readonlyPaths");
        foreach (var mount in spec["mounts"]!.AsArray().OfType<JsonObject>())
        {
            if ((string?)mount["type"] is "sysfs" or "cgroup" && mount["options"] is JsonArray options)
            {
                mount["options"] = new JsonArray(options.Select(o => (string)o! == "ro" ? "rw" : (string)o!).Select(o => (JsonNode)JsonValue.Create(o)!).ToArray());
            }
        }
        AddDevices(linux, resources, ContainerDevices.HostDevices());
        // One rule allowing every device replaces the per-device ones.
        resources["devices"] = new JsonArray(new JsonObject { ["allow"] = true, ["access"] = "rwm" });
    }

    private static void AddDevices(JsonObject linux, JsonObject resources, IReadOnlyList<ContainerDevice> devices)
    {
        if (devices.Count == 0)
        {
            return;
        }
        var specDevices = new JsonArray();
        foreach (var device in devices)
        {
            specDevices.Add(ContainerDevices.ToSpecDevice(device));
            resources["devices"]!.AsArray().Add(ContainerDevices.ToCgroupRule(device));
        }
        linux["devices"] = specDevices;
    }
}
