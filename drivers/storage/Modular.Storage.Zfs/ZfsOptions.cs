using Modular.Sdk;

namespace Modular.Storage.Zfs;

/// <summary>
/// The driver options zfs accepts (keys case-insensitive, as in dockerd): <c>zfs.fsname</c>, the dataset to keep
/// layers under instead of the one holding the data-root, and <c>zfs.mountopt</c>, extra options for every mount.
/// </summary>
internal sealed record ZfsOptions(string? FilesystemName, string? MountOptions)
{
    public static ZfsOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        string? filesystemName = null;
        string? mountOptions = null;
        foreach (var (rawKey, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            switch (rawKey.ToLowerInvariant())
            {
                case "zfs.fsname":
                    if (value.Length == 0 || value.StartsWith('/') || value.EndsWith('/') || value.Contains('@'))
                    {
                        throw DriverException.InvalidArgument($"invalid zfs.fsname '{value}': expected a dataset name such as pool/docker");
                    }
                    filesystemName = value;
                    break;
                case "zfs.mountopt":
                    mountOptions = value;
                    break;
                default:
                    throw DriverException.InvalidArgument($"zfs: unknown option {rawKey}");
            }
        }
        return new ZfsOptions(filesystemName, mountOptions);
    }

    /// <summary>The size limit of one container layer from its storage options (0: none); other keys are refused.</summary>
    public static long ContainerSize(IReadOnlyDictionary<string, string> storageOptions)
    {
        long size = 0;
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
