using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>An OCI platform (<c>os/architecture[/variant]</c>), as manifest lists and <c>--platform</c> name it.</summary>
internal sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    /// <summary>This host: linux and its architecture, with the variant Docker assumes for it.</summary>
    public static Platform Host { get; } = Normalize(new Platform("linux", ArchiveManifest.HostArchitecture));

    /// <summary>Parses <c>os[/arch[/variant]]</c>; empty or null means the host. InvalidArgument for a malformed one.</summary>
    public static Platform Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Host;
        }
        var parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length > 3 || parts.Any(part => part.Length == 0))
        {
            throw DriverException.InvalidArgument($"\"{text}\": unknown operating system or architecture: invalid argument");
        }
        var architecture = parts.Length > 1 ? parts[1] : Host.Architecture;
        return Normalize(new Platform(parts[0], architecture, parts.Length > 2 ? parts[2] : null));
    }

    /// <summary>containerd's normalization: x86_64 is amd64, aarch64 is arm64 (variant v8 implied), arm defaults to v7.</summary>
    public static Platform Normalize(Platform platform)
    {
        var architecture = platform.Architecture switch
        {
            "x86_64" or "x86-64" => "amd64",
            "aarch64" => "arm64",
            "i386" => "386",
            "armhf" => "arm",
            _ => platform.Architecture,
        };
        var variant = platform.Variant;
        if (architecture == "arm64" && variant is "8" or "v8")
        {
            variant = null;
        }
        if (architecture == "arm" && variant is null or "")
        {
            variant = "v7";
        }
        return new Platform(platform.Os, architecture, string.IsNullOrEmpty(variant) ? null : variant);
    }

    /// <summary>Whether a manifest for <paramref name="candidate"/> runs on this platform (an unset variant matches any).</summary>
    public bool Matches(Platform candidate)
    {
        var other = Normalize(candidate);
        return other.Os == Os && other.Architecture == Architecture && (Variant is null || other.Variant is null || other.Variant == Variant);
    }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
