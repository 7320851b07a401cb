using System.Text.Json.Nodes;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>
/// The container's resource limits (--memory, --cpus, --cpu-shares, --cpuset-*, --pids-limit, --blkio-weight) as the
/// OCI spec's linux.resources object: written into config.json at start and handed to `runc update` for live changes,
/// so both paths share one translation.
/// </summary>
public static class ResourceLimits
{
    private const long MinimumMemory = 6 * 1024 * 1024;
    private const long CpuPeriod = 100_000;

    /// <summary>Refuses what dockerd refuses, in its words.</summary>
    public static void Validate(Resources resources)
    {
        if (resources.Memory is > 0 and < MinimumMemory)
        {
            throw DriverException.InvalidArgument("Minimum memory limit allowed is 6MB");
        }
        if (resources.Memory > 0 && resources.MemorySwap > 0 && resources.MemorySwap < resources.Memory)
        {
            throw DriverException.InvalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (resources.MemorySwap > 0 && resources.Memory == 0)
        {
            throw DriverException.InvalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (resources.NanoCpus > 0 && (resources.CpuQuota > 0 || resources.CpuPeriod > 0))
        {
            throw DriverException.InvalidArgument("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        var cpus = Environment.ProcessorCount;
        if (resources.NanoCpus < 0 || resources.NanoCpus > cpus * 1_000_000_000L)
        {
            throw DriverException.InvalidArgument($"Range of CPUs is from 0.01 to {cpus}.00, as there are only {cpus} CPUs available");
        }
        if (resources.BlkioWeight is > 0 and (< 10 or > 1000))
        {
            throw DriverException.InvalidArgument("Range of blkio weight is from 10 to 1000");
        }
        if (resources.CpuPeriod is > 0 and (< 1000 or > 1_000_000))
        {
            throw DriverException.InvalidArgument("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        if (resources.CpuQuota is > 0 and < 1000)
        {
            throw DriverException.InvalidArgument("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
    }

    public static JsonObject Build(Resources resources)
    {
        var limits = new JsonObject();
        var memory = new JsonObject();
        if (resources.Memory > 0)
        {
            memory["limit"] = resources.Memory;
            // Docker's default: as much swap as memory, unless the user said otherwise (-1 = unlimited).
            memory["swap"] = resources.MemorySwap != 0 ? resources.MemorySwap : resources.Memory * 2;
        }
        if (resources.MemoryReservation > 0)
        {
            memory["reservation"] = resources.MemoryReservation;
        }
        if (memory.Count > 0)
        {
            limits["memory"] = memory;
        }

        var cpu = new JsonObject();
        if (resources.CpuShares > 0)
        {
            cpu["shares"] = resources.CpuShares;
        }
        if (resources.NanoCpus > 0)
        {
            cpu["period"] = CpuPeriod;
            cpu["quota"] = resources.NanoCpus * CpuPeriod / 1_000_000_000L;
        }
        else
        {
            if (resources.CpuPeriod > 0)
            {
                cpu["period"] = resources.CpuPeriod;
            }
            if (resources.CpuQuota > 0)
            {
                cpu["quota"] = resources.CpuQuota;
            }
        }
        if (resources.CpusetCpus.Length > 0)
        {
            cpu["cpus"] = resources.CpusetCpus;
        }
        if (resources.CpusetMems.Length > 0)
        {
            cpu["mems"] = resources.CpusetMems;
        }
        if (cpu.Count > 0)
        {
            limits["cpu"] = cpu;
        }

        if (resources.PidsLimit is > 0)
        {
            limits["pids"] = new JsonObject { ["limit"] = resources.PidsLimit };
        }
        if (resources.BlkioWeight > 0)
        {
            limits["blockIO"] = new JsonObject { ["weight"] = resources.BlkioWeight };
        }
        return limits;
    }
}
