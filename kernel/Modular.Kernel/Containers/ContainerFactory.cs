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
        // An entrypoint given on the command line resets the image's Cmd too, unless a Cmd was also given.
        var entrypoint = request.Entrypoint ?? image.Entrypoint?.ToList();
        var cmd = request.Cmd is { Count: > 0 } ? request.Cmd
            : request.Entrypoint is not null ? null
            : image.Cmd?.ToList();
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
            ExposedPorts = request.ExposedPorts ?? image.ExposedPorts?.ToDictionary(p => p, _ => new Modular.Api.Json.EmptyObject()),
            Tty = request.Tty,
            OpenStdin = request.OpenStdin,
            StdinOnce = request.StdinOnce,
            Env = env,
            Cmd = cmd,
            Image = imageName,
            Volumes = request.Volumes,
            WorkingDir = request.WorkingDir.Length > 0 ? request.WorkingDir : image.WorkingDir ?? "",
            Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
            OnBuild = request.OnBuild ?? image.OnBuild?.ToList(),
            Labels = labels,
            StopSignal = request.StopSignal ?? image.StopSignal,
            StopTimeout = request.StopTimeout,
            Shell = request.Shell ?? image.Shell?.ToList(),
        };
    }

    /// <summary>Image variables first, overridden by the user's; a bare NAME from the user unsets nothing (Docker keeps the image's).</summary>
    public static List<string> MergeEnv(IEnumerable<string> image, IEnumerable<string> user)
    {
        var merged = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var variable in image.Concat(user))
        {
            var name = variable.Split('=', 2)[0];
            if (index.TryGetValue(name, out var at))
            {
                merged[at] = variable;
            }
            else
            {
                index[name] = merged.Count;
                merged.Add(variable);
            }
        }
        return merged;
    }

    public static List<string> CommandLine(ContainerConfig config) =>
        (config.Entrypoint ?? []).Concat(config.Cmd ?? []).ToList();
}
