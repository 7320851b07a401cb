using Modular.Sdk;

namespace Modular.Storage.Btrfs;

/// <summary>The driver-level options (<c>--storage-opt btrfs.min_space=1G</c> on the daemon), checked when the driver starts.</summary>
internal sealed record BtrfsOptions(long? MinSpace)
{
    public const string MinSpaceKey = "btrfs.min_space";

    public static BtrfsOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        long? minSpace = null;
        foreach (var (key, value) in options)
        {
            switch (key.Trim().ToLowerInvariant())
            {
                case MinSpaceKey:
                    minSpace = StorageSize.Parse(MinSpaceKey, value);
                    break;
                default:
                    throw DriverException.InvalidArgument($"btrfs: unknown option {key} (the btrfs driver takes {MinSpaceKey})");
            }
        }
        return new BtrfsOptions(minSpace);
    }
}
