using Modular.Sdk;

namespace Modular.Storage.Btrfs;

/// <summary>A container's <c>--storage-opt</c> values for btrfs: only <c>size</c>, the most its layer may reference.</summary>
internal static class ContainerStorageOptions
{
    public const string SizeKey = "size";

    /// <summary>The requested size limit in bytes, or null when none was given; checked against <paramref name="daemon"/>'s min_space.</summary>
    public static long? ParseSize(IReadOnlyDictionary<string, string> storageOptions, BtrfsOptions daemon)
    {
        long? size = null;
        foreach (var (key, value) in storageOptions)
        {
            if (!string.Equals(key.Trim(), SizeKey, StringComparison.OrdinalIgnoreCase))
            {
                throw DriverException.InvalidArgument($"btrfs: unknown storage option {key} (the btrfs driver takes {SizeKey})");
            }
            size = StorageSize.Parse(SizeKey, value);
        }
        if (size is null)
        {
            return null;
        }
        if (size <= 0)
        {
            throw DriverException.InvalidArgument($"btrfs: invalid storage size {size}: it must be more than 0 bytes");
        }
        if (daemon.MinSpace is { } minimum && size < minimum)
        {
            throw DriverException.InvalidArgument(
                $"btrfs: storage size cannot be less than {StorageSize.Describe(minimum)} ({BtrfsOptions.MinSpaceKey}); {StorageSize.Describe(size.Value)} was asked for");
        }
        return size;
    }
}
