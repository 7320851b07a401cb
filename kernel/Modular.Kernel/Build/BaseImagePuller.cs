using Modular.Kernel.Configuration;
using Modular.Kernel.Images;
using Modular.Kernel.Images.Distribution;

namespace Modular.Kernel.Build;

/// <summary>
/// Pulls the base images a build names (FROM, COPY --from) when they are missing or <c>--pull</c> asks for it, with
/// the daemon's registry settings (mirrors, insecure registries) and the build's login for the image's registry. Progress lines go into the build output.
/// </summary>
public sealed class BaseImagePuller(ImageService images, DaemonConfig config)
{
    private readonly RegistrySettings _settings = new(config.InsecureRegistries, config.RegistryMirrors,
        config.MaxConcurrentDownloads, config.MaxConcurrentUploads, config.MaxDownloadAttempts);
    private readonly RegistryHttp _http = new();

    public async Task PullAsync(string name, string? platform, BuildRegistryAuth auth, Func<string, Task> print, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(name).WithDefaultTag();
        var lines = new List<string>();
        await images.PullAsync(reference, Platform.Parse(platform), !string.IsNullOrEmpty(platform), auth.For(reference),
            _settings, _http, transfer =>
            {
                if (!transfer.HasProgress)
                {
                    lock (lines)
                    {
                        lines.Add(transfer.Id is { Length: > 0 } id ? $"{id}: {transfer.Status}\n" : transfer.Status + "\n");
                    }
                }
            }, cancellationToken);
        foreach (var line in lines)
        {
            await print(line);
        }
    }
}
