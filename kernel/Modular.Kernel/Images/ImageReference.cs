using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// A Docker image reference in normalized form: <c>busybox</c> is <c>docker.io/library/busybox</c>. Follows the grammar
/// of the distribution reference library (the one the docker CLI and dockerd share) so that the same strings are
/// accepted and rejected with the same messages.
/// </summary>
public sealed partial record ImageReference
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";
    private const string LegacyDefaultDomain = "index.docker.io";
    private const string OfficialRepositoryPrefix = "library/";
    private const int NameTotalLengthMax = 255;

    private ImageReference(string domain, string path, string? tag, string? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, with port if any, e.g. <c>docker.io</c> or <c>myreg:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Path { get; }

    /// <summary>The tag, or null when the reference carries none.</summary>
    public string? Tag { get; }

    /// <summary>The digest (<c>sha256:...</c>), or null when the reference carries none.</summary>
    public string? Digest { get; }

    /// <summary>The full repository name, e.g. <c>docker.io/library/busybox</c>.</summary>
    public string Repository => $"{Domain}/{Path}";

    /// <summary>The repository as <c>docker images</c> shows it, e.g. <c>busybox</c> or <c>myreg:5000/a/b</c>.</summary>
    public string FamiliarRepository
    {
        get
        {
            if (Domain != DefaultDomain)
            {
                return Repository;
            }
            var remainder = Path;
            if (remainder.StartsWith(OfficialRepositoryPrefix, StringComparison.Ordinal) &&
                remainder.IndexOf('/', OfficialRepositoryPrefix.Length) < 0)
            {
                remainder = remainder[OfficialRepositoryPrefix.Length..];
            }
            return remainder;
        }
    }

    /// <summary>The familiar form with tag and digest, e.g. <c>busybox:latest</c> (as RepoTags show it).</summary>
    public string Familiar => FamiliarRepository + Suffix;

    /// <summary>The fully qualified form, e.g. <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() => Repository + Suffix;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The same reference with <c>latest</c> as tag when it has neither a tag nor a digest.</summary>
    public ImageReference WithDefaultTag() =>
        Tag is null && Digest is null ? new ImageReference(Domain, Path, DefaultTag, null) : this;

    /// <summary>The same repository with the given tag and no digest.</summary>
    public ImageReference WithTag(string tag)
    {
        if (!TagPattern().IsMatch(tag))
        {
            throw DriverException.InvalidArgument("invalid reference format");
        }
        return new ImageReference(Domain, Path, tag, null);
    }

    /// <summary>The same repository with the given digest and no tag.</summary>
    public ImageReference WithDigest(string digest)
    {
        if (!DigestPattern().IsMatch(digest))
        {
            throw DriverException.InvalidArgument("invalid reference format");
        }
        return new ImageReference(Domain, Path, null, digest);
    }

    /// <summary>
    /// Parses a reference as a user types it and normalizes it (Docker's ParseNormalizedNamed). Does not add a default
    /// tag: use <see cref="WithDefaultTag"/>. Throws <see cref="DriverException"/> (InvalidArgument) with Docker's message.
    /// </summary>
    public static ImageReference Parse(string text)
    {
        if (TryParse(text, out var reference, out var error))
        {
            return reference;
        }
        throw DriverException.InvalidArgument(error);
    }

    public static bool TryParse(string text, out ImageReference reference, out string error)
    {
        reference = null!;
        if (FullHexPattern().IsMatch(text))
        {
            error = $"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings";
            return false;
        }

        var (domain, remainder) = SplitDockerDomain(text);
        var nameEnd = remainder.IndexOfAny([':', '@']);
        var remoteName = nameEnd < 0 ? remainder : remainder[..nameEnd];
        if (remoteName != remoteName.ToLowerInvariant())
        {
            error = $"invalid reference format: repository name ({remoteName}) must be lowercase";
            return false;
        }

        var match = ReferencePattern().Match(domain + "/" + remainder);
        if (!match.Success)
        {
            error = "invalid reference format";
            return false;
        }
        var name = match.Groups["name"].Value;
        if (name.Length > NameTotalLengthMax)
        {
            error = $"invalid reference format: repository name must not be more than {NameTotalLengthMax} characters";
            return false;
        }
        var slash = name.IndexOf('/');
        reference = new ImageReference(
            name[..slash],
            name[(slash + 1)..],
            match.Groups["tag"].Success ? match.Groups["tag"].Value : null,
            match.Groups["digest"].Success ? match.Groups["digest"].Value : null);
        error = "";
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is a bare 64-hex image id or <c>sha256:</c> followed by 64 hex.</summary>
    public static bool IsFullImageId(string text) =>
        FullHexPattern().IsMatch(text) ||
        (text.StartsWith("sha256:", StringComparison.Ordinal) && FullHexPattern().IsMatch(text[7..]));

    private static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        string domain;
        string remainder;
        var slash = name.IndexOf('/');
        if (slash < 0 ||
            (name.AsSpan(0, slash).IndexOfAny('.', ':') < 0 && name[..slash] != "localhost" &&
             name[..slash].ToLowerInvariant() == name[..slash]))
        {
            domain = DefaultDomain;
            remainder = name;
        }
        else
        {
            domain = name[..slash];
            remainder = name[(slash + 1)..];
        }
        if (domain == LegacyDefaultDomain)
        {
            domain = DefaultDomain;
        }
        if (domain == DefaultDomain && !remainder.Contains('/'))
        {
            remainder = OfficialRepositoryPrefix + remainder;
        }
        return (domain, remainder);
    }

    // The grammar of github.com/distribution/reference (regexp.go), restated as one anchored expression.
    private const string AlphaNumeric = "[a-z0-9]+";
    private const string Separator = "(?:[._]|__|[-]+)";
    private const string PathComponent = AlphaNumeric + "(?:" + Separator + AlphaNumeric + ")*";
    private const string DomainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Ipv6Address = @"\[(?:[a-fA-F0-9:]+)\]";
    private const string DomainName = DomainNameComponent + @"(?:\." + DomainNameComponent + ")*";
    private const string Host = "(?:" + DomainName + "|" + Ipv6Address + ")";
    private const string DomainAndPort = Host + "(?::[0-9]+)?";
    private const string TagText = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestText = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private const string NameText = "(?:" + DomainAndPort + "/)?" + PathComponent + "(?:/" + PathComponent + ")*";

    [GeneratedRegex("^(?<name>" + NameText + ")(?::(?<tag>" + TagText + "))?(?:@(?<digest>" + DigestText + "))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("^" + TagText + "$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex("^" + DigestText + "$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FullHexPattern();
}
