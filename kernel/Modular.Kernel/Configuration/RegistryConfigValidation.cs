using Modular.Kernel.Images.Distribution;

namespace Modular.Kernel.Configuration;

/// <summary>The registry keys of daemon.json, checked as dockerd checks them (same messages where dockerd has one).</summary>
internal static class RegistryConfigValidation
{
    public static void Validate(DaemonConfig config)
    {
        foreach (var (key, value) in new[]
                 {
                     ("max-concurrent-downloads", config.MaxConcurrentDownloads),
                     ("max-concurrent-uploads", config.MaxConcurrentUploads),
                 })
        {
            if (value < 1)
            {
                throw new ConfigurationException($"invalid max concurrent {key["max-concurrent-".Length..]}: {value}");
            }
        }
        if (config.MaxDownloadAttempts < 1)
        {
            throw new ConfigurationException($"invalid max download attempts: {config.MaxDownloadAttempts}");
        }
        foreach (var mirror in config.RegistryMirrors)
        {
            try
            {
                RegistrySettings.ParseMirror(mirror);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"registry-mirrors: {e.Message}");
            }
        }
        foreach (var registry in config.InsecureRegistries)
        {
            if (registry.Length == 0 || registry.Contains("://", StringComparison.Ordinal) && !registry.StartsWith("http", StringComparison.Ordinal))
            {
                throw new ConfigurationException($"insecure-registries: insecure registry {registry} should not contain '://'");
            }
        }
    }
}
