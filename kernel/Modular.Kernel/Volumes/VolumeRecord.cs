namespace Modular.Kernel.Volumes;

/// <summary>A volume as the kernel persists it (<c>volumes/&lt;name&gt;/volume.json</c>); its data belongs to its driver.</summary>
public sealed class VolumeRecord
{
    public required string Name { get; init; }
    public required string Driver { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public Dictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The driver options (<c>-o type=tmpfs,device=tmpfs,o=size=10m</c>), applied each time the volume is mounted.</summary>
    public Dictionary<string, string> Options { get; init; } = new(StringComparer.Ordinal);

    public bool Anonymous => Labels.ContainsKey(VolumeNames.AnonymousLabel);
}
