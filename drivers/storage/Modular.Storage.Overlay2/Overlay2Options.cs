using Modular.Sdk;

namespace Modular.Storage.Overlay2;

/// <summary>
/// The driver options overlay2 accepts (keys are case-insensitive, as in dockerd): <c>overlay2.size</c>, the default size
/// limit of every container layer, and <c>overlay2.override_kernel_check</c>, which dockerd 20.10 still accepts and
/// ignores. Any other key is refused, so a typo never passes silently.
/// </summary>
internal sealed record Overlay2Options(long DefaultContainerSize)
{
    private const string SizeKey = "overlay2.size";
    private const string OverrideKernelCheckKey = "overlay2.override_kernel_check";

    public static Overlay2Options Parse(IReadOnlyDictionary<string, string> options)
    {
        long size = 0;
        foreach (var (rawKey, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            switch (rawKey.ToLowerInvariant())
            {
                case SizeKey:
                    size = RamSize.Parse(SizeKey, value);
                    break;
                case OverrideKernelCheckKey:
                    if (!bool.TryParse(value, out _) && value is not ("0" or "1"))
                    {
                        throw DriverException.InvalidArgument($"invalid value for {OverrideKernelCheckKey}: '{value}' is not a boolean");
                    }
                    break;
                default:
                    throw DriverException.InvalidArgument($"overlay2: unknown option {rawKey}");
            }
        }
        return new Overlay2Options(size);
    }

    /// <summary>
    /// The size limit for one container layer: its own <c>size</c> storage option, else the driver's default (0: none).
    /// Any other per-container key is refused as dockerd refuses it.
    /// </summary>
    public long ContainerSize(IReadOnlyDictionary<string, string> storageOptions)
    {
        var size = DefaultContainerSize;
        foreach (var (rawKey, value) in storageOptions)
        {
            if (!rawKey.Equals("size", StringComparison.OrdinalIgnoreCase))
            {
                throw DriverException.InvalidArgument($"Unknown option {rawKey}");
            }
            size = RamSize.Parse("size", value);
        }
        return size;
    }
}
