using Modular.Api.Models;
using Modular.Kernel.Images;

namespace Modular.Kernel.Containers;

/// <summary>
/// Merges a create request with its image's defaults the way dockerd does, so that inspect's Config shows what the
/// container will really run: image Env under the user's, Cmd and Entrypoint rules, working dir, user, labels.
/// </summary>
public static class ContainerFactory
{
    public static ContainerConfig MergeWithImage(ContainerCreateRequest request, ImageExecutionConfig image, string imageName, string hostname)
    {
        var env = MergeEnv(image.Env ?? [], request.Env ?? []);
        // dockerd's rules: a non-empty user Entrypoint drops the image's Cmd unless the user gave one; an empty
        // (non-null) list keeps the image's Cmd but not its Entrypoint; `--entrypoint ""` ([""]) resets it to none.
        var entrypoint = request.Entrypoint;
        var cmd = request.Cmd;
        if (entrypoint is not { Count: > 0 })
        {
            if (cmd is not { Count: > 0 })
            {
                cmd = image.Cmd?.ToList();
            }
            entrypoint ??= image.Entrypoint?.ToList();
        }
        if (entrypoint is [""])
        {
            entrypoint = null;
        }
        var labels = new Dictionary<string, string>(image.Labels ?? new Dictionary<string, string>());
        foreach (var (key, value) in request.Labels ?? [])
        {
            labels[key] = value;
        }

        return new ContainerConfig
        {
            Hostname = hostname,
            Domainname = request.Domainname,
            User = request.User.Length > 0 ? request.User : image.User ?? "",
            AttachStdin = request.AttachStdin,
            AttachStdout = request.AttachStdout,
            AttachStderr = request.AttachStderr,
            ExposedPorts = Union(request.ExposedPorts, image.ExposedPorts),
            Tty = request.Tty,
            OpenStdin = request.OpenStdin,
            StdinOnce = request.StdinOnce,
            Env = env,
            Cmd = cmd,
            Image = imageName,
            Volumes = Union(request.Volumes, image.Volumes),
            WorkingDir = request.WorkingDir.Length > 0 ? request.WorkingDir : image.WorkingDir ?? "",
            Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
            OnBuild = request.OnBuild ?? image.OnBuild?.ToList(),
            Labels = labels,
            StopSignal = request.StopSignal ?? image.StopSignal,
            StopTimeout = request.StopTimeout,
            Shell = request.Shell ?? image.Shell?.ToList(),
            Healthcheck = Health.HealthcheckMerge.Merge(request.Healthcheck, image.Healthcheck),
        };
    }

    /// <summary>The user's variables as given, then the image's that the user did not name (dockerd's order).</summary>
    public static List<string> MergeEnv(IEnumerable<string> image, IEnumerable<string> user)
    {
        var merged = user.ToList();
        var named = merged.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        merged.AddRange(image.Where(variable => !named.Contains(NameOf(variable))));
        return merged;
    }

    private static string NameOf(string variable) => variable.Split('=', 2)[0];

    private static Dictionary<string, Modular.Api.Json.EmptyObject>? Union(
        Dictionary<string, Modular.Api.Json.EmptyObject>? user, IReadOnlyList<string>? image)
    {
        if (user is null && image is null)
        {
            return null;
        }
        var union = new Dictionary<string, Modular.Api.Json.EmptyObject>(user ?? []);
        foreach (var key in image ?? [])
        {
            union.TryAdd(key, new Modular.Api.Json.EmptyObject());
        }
        return union;
    }

    public static List<string> CommandLine(ContainerConfig config) =>
        (config.Entrypoint ?? []).Concat(config.Cmd ?? []).ToList();
}
