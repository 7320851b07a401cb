using System.Reflection;

namespace Modular.Kernel.Api;

/// <summary>The engine's own version facts, shown by /version and /info.</summary>
public static class EngineInfo
{
    public static string Version { get; } =
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static string GitCommit { get; } =
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+') is [_, var commit]
            ? commit[..Math.Min(7, commit.Length)]
            : "unknown";
}
