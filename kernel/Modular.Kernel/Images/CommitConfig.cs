using Modular.Api.Models;

namespace Modular.Kernel.Images;

/// <summary>
/// The config of a committed image, as moby makes it: the request's config (the container's when none is given)
/// with the <c>--change</c> lines applied, then every field it leaves empty filled from the container's config.
/// </summary>
public static class CommitConfig
{
    public static ImageExecutionConfig Build(ContainerConfig container, ContainerConfig? requested, IReadOnlyList<string> changes)
    {
        var user = ChangeCommands.Apply(FromContainer(requested ?? container), changes);
        return Merge(user, FromContainer(container));
    }

    public static ImageExecutionConfig FromContainer(ContainerConfig config) => new()
    {
        User = Empty(config.User),
        Env = config.Env?.ToArray(),
        Cmd = config.Cmd?.ToArray(),
        Entrypoint = config.Entrypoint?.ToArray(),
        WorkingDir = Empty(config.WorkingDir),
        ExposedPorts = config.ExposedPorts?.Keys.ToArray(),
        Volumes = config.Volumes?.Keys.ToArray(),
        Labels = config.Labels?.ToDictionary(StringComparer.Ordinal),
        StopSignal = Empty(config.StopSignal),
        Healthcheck = config.Healthcheck is { } check
            ? new ImageHealthcheck(check.Test?.ToArray(), check.Interval, check.Timeout, check.StartPeriod, check.StartInterval, check.Retries)
            : null,
        OnBuild = config.OnBuild?.ToArray(),
        Shell = config.Shell?.ToArray(),
        ArgsEscaped = config.ArgsEscaped ? true : null,
    };

    /// <summary>moby's daemon/commit.go merge: <paramref name="user"/> wins, <paramref name="container"/> fills the gaps.</summary>
    private static ImageExecutionConfig Merge(ImageExecutionConfig user, ImageExecutionConfig container)
    {
        var env = user.Env is { Count: > 0 } userEnv
            ? userEnv.Concat((container.Env ?? []).Where(e => !userEnv.Any(u => KeyOf(u) == KeyOf(e)))).ToArray()
            : container.Env;
        var labels = new Dictionary<string, string>(user.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in container.Labels ?? new Dictionary<string, string>())
        {
            labels.TryAdd(key, value);
        }
        var merged = user with
        {
            User = user.User ?? container.User,
            ExposedPorts = Union(user.ExposedPorts, container.ExposedPorts),
            Env = env,
            Labels = labels,
            Healthcheck = user.Healthcheck ?? container.Healthcheck,
            WorkingDir = user.WorkingDir ?? container.WorkingDir,
            Volumes = Union(user.Volumes, container.Volumes),
            StopSignal = user.StopSignal ?? container.StopSignal,
        };
        if (user.Entrypoint is not { Count: > 0 })
        {
            if (user.Cmd is not { Count: > 0 })
            {
                merged = merged with { Cmd = container.Cmd, ArgsEscaped = container.ArgsEscaped };
            }
            if (user.Entrypoint is null)
            {
                merged = merged with { Entrypoint = container.Entrypoint };
            }
        }
        return merged;
    }

    private static IReadOnlyList<string>? Union(IReadOnlyList<string>? first, IReadOnlyList<string>? second) =>
        first is { Count: > 0 } ? first.Concat(second ?? []).Distinct(StringComparer.Ordinal).ToArray() : second;

    private static string KeyOf(string variable) => variable.Split('=', 2)[0];

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
