using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>Where one container's json-file logs live: the file being written and its rotated predecessors.</summary>
internal sealed record LogFilePaths(string Current)
{
    public static LogFilePaths For(LogContext context) =>
        new(Path.GetFullPath(Path.Combine(context.ContainerDirectory, context.ContainerId + "-json.log")));

    /// <summary>The k-th rotated file (1 is the most recent), uncompressed.</summary>
    public string Rotated(int k) => $"{Current}.{k}";

    /// <summary>The k-th rotated file once compressed.</summary>
    public string RotatedCompressed(int k) => $"{Current}.{k}.gz";

    /// <summary>Where the k-th rotated file is compressed to before it replaces the uncompressed one.</summary>
    public string CompressionTemp(int k) => $"{Current}.{k}.gz.tmp";
}
