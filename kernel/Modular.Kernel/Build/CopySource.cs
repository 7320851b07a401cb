namespace Modular.Kernel.Build;

/// <summary>What a COPY or ADD puts at one place in the image.</summary>
public abstract record CopySource(string Target)
{
    /// <summary>A file (host path) written as the target.</summary>
    public sealed record File(string HostPath, string Target) : CopySource(Target);

    /// <summary>A directory whose contents are merged into the target directory.</summary>
    public sealed record Directory(string HostPath, string Target) : CopySource(Target);

    /// <summary>A symlink copied as a symlink.</summary>
    public sealed record Symlink(string LinkTarget, string Target) : CopySource(Target);

    /// <summary>Bytes made by the build (a heredoc, a download) written as a file with a mode.</summary>
    public sealed record Content(byte[] Bytes, UnixFileMode Mode, DateTimeOffset? ModifiedAt, string Target) : CopySource(Target);

    /// <summary>A local tar archive ADD extracts into the target directory.</summary>
    public sealed record Archive(string HostPath, string Target) : CopySource(Target);
}
