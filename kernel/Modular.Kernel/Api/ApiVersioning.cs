using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>
/// Docker's version negotiation: every response carries Api-Version (the highest we serve) and the server headers;
/// a `/v1.NN` prefix is checked against the supported range and stripped before routing.
/// </summary>
/// <remarks>
/// We advertise 1.51 (Docker 28.3–28.5): high enough for every docker CLI 28 and 29 release, which refuse servers below
/// 1.44 (29.0–29.2) or 1.40 (29.3+), and no higher than the fields we actually model. Requests from 1.24 on are accepted.
/// </remarks>
public static partial class ApiVersioning
{
    public static readonly Version Current = new(1, 51);
    public static readonly Version Minimum = new(1, 24);
    public const string ItemKey = "api-version";

    public static string ServerHeader => $"Modular/{EngineInfo.Version} (linux)";

    public static void WriteHeaders(HttpResponse response)
    {
        response.Headers["Api-Version"] = Current.ToString();
        response.Headers["Ostype"] = "linux";
        response.Headers["Server"] = ServerHeader;
        response.Headers["Docker-Experimental"] = "false";
    }

    /// <summary>Strips and validates the version prefix; returns the version the request speaks.</summary>
    public static Version Negotiate(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var match = VersionPrefix().Match(path);
        if (!match.Success)
        {
            return Current;
        }
        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        context.Request.Path = match.Groups[3].Value.Length == 0 ? "/" : match.Groups[3].Value;
        if (version < Minimum)
        {
            throw DriverException.InvalidArgument(
                $"client version {version} is too old. Minimum supported API version is {Minimum}, please upgrade your client to a newer version");
        }
        if (version > Current)
        {
            throw DriverException.InvalidArgument($"client version {version} is too new. Maximum supported API version is {Current}");
        }
        return version;
    }

    public static Version Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var version) && version is Version v ? v : Current;

    [GeneratedRegex(@"^/v(\d+)\.(\d+)(/.*)?$")]
    private static partial Regex VersionPrefix();
}
