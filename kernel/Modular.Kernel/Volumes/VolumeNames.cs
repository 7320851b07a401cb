using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Kernel.Volumes;

/// <summary>Docker's rules for volume names, and the names of anonymous volumes (64 hex digits, like ids).</summary>
public static partial class VolumeNames
{
    /// <summary>The label Docker (since API 1.42) puts on anonymous volumes; prune removes only these unless asked for all.</summary>
    public const string AnonymousLabel = "com.docker.volume.anonymous";

    private const string AllowedCharacters = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ValidName();

    /// <summary>Throws Docker's 400 for a name the local driver cannot hold (a slash above all: the user meant a host path).</summary>
    public static void Validate(string name)
    {
        if (name.Length == 1)
        {
            throw DriverException.InvalidArgument("volume name is too short, names should be at least two alphanumeric characters");
        }
        if (!ValidName().IsMatch(name))
        {
            throw DriverException.InvalidArgument(
                $"\"{name}\" includes invalid characters for a local volume name, only \"{AllowedCharacters}\" are allowed. If you intended to pass a host directory, use absolute path");
        }
    }

    public static string NewAnonymous() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
