using Modular.Kernel.Runtime;
using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>
/// The container's capability set from --privileged, --cap-add and --cap-drop, computed as dockerd does: names are
/// case-insensitive with or without CAP_, "ALL" in --cap-add means every capability but the dropped ones, "ALL" in
/// --cap-drop means only the added ones.
/// </summary>
public static class Capabilities
{
    private const string All = "ALL";

    public static IReadOnlyList<string> Resolve(bool privileged, IReadOnlyList<string>? capAdd, IReadOnlyList<string>? capDrop)
    {
        if (privileged)
        {
            return OciSpecBuilder.AllCapabilities;
        }
        var adds = Normalize(capAdd);
        var drops = Normalize(capDrop);
        var held = OciSpecBuilder.AllCapabilities;
        List<string> result;
        if (adds.Contains(All))
        {
            result = held.Where(c => !drops.Contains(c)).ToList();
        }
        else if (drops.Contains(All))
        {
            result = adds.ToList();
        }
        else
        {
            result = OciSpecBuilder.DefaultCapabilities.Where(c => !drops.Contains(c)).ToList();
            result.AddRange(adds.Where(c => !result.Contains(c)));
        }
        return result;
    }

    /// <summary>Refuses an unknown capability name the way dockerd does.</summary>
    public static void Validate(IReadOnlyList<string>? capAdd, IReadOnlyList<string>? capDrop)
    {
        Normalize(capAdd);
        Normalize(capDrop);
    }

    private static List<string> Normalize(IReadOnlyList<string>? names)
    {
        var normalized = new List<string>();
        foreach (var raw in names ?? [])
        {
            var name = raw.Trim().ToUpperInvariant();
            if (name == All)
            {
                normalized.Add(All);
                continue;
            }
            if (!name.StartsWith("CAP_", StringComparison.Ordinal))
            {
                name = "CAP_" + name;
            }
            if (!OciSpecBuilder.KnownCapabilityNames.Contains(name))
            {
                throw DriverException.InvalidArgument($"unknown capability: \"{raw}\"");
            }
            normalized.Add(name);
        }
        return normalized;
    }
}
