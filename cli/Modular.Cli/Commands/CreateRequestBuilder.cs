using Modular.Api.Models;

namespace Modular.Cli.Commands;

/// <summary>Turns run/create settings into the create request body the way docker/cli's parse() does.</summary>
internal static class CreateRequestBuilder
{
    public static ContainerCreateRequest Build(RunSettings settings, Func<string, string?> lookupEnvironment, Func<string, string> readFile)
    {
        var attach = ParseAttach(settings.Attach);
        if (settings.Detach && settings.Attach.Count > 0)
            throw new CliStatusException(CliErrors.DaemonError, "Conflicting options: -a and -d");

        var attachStdin = attach.Contains("stdin") || settings.Interactive;
        var attachStdout = attach.Contains("stdout") || settings.Attach.Count == 0;
        var attachStderr = attach.Contains("stderr") || settings.Attach.Count == 0;
        if (settings.Detach)
            attachStdin = attachStdout = attachStderr = false;

        var environment = new List<string>();
        foreach (var file in settings.EnvFiles)
            environment.AddRange(EnvFile.Parse(file, readFile(file), lookupEnvironment));
        foreach (var entry in settings.Env)
            environment.Add(ExpandEnvironmentArgument(entry, lookupEnvironment));

        var (binds, anonymousVolumes) = MountFlags.SplitVolumes(settings.Volumes, Path.GetFullPath);
        var request = new ContainerCreateRequest
        {
            Image = settings.Image,
            Cmd = settings.Command.Count > 0 ? [.. settings.Command] : null,
            Entrypoint = settings.Entrypoint switch
            {
                null => null,
                "" => [""],
                var value => [value],
            },
            Env = environment,
            Labels = ParseLabels(settings.Labels),
            WorkingDir = settings.WorkingDir ?? "",
            User = settings.User ?? "",
            Hostname = settings.Hostname ?? "",
            Tty = settings.Tty,
            OpenStdin = settings.Interactive,
            AttachStdin = attachStdin,
            AttachStdout = attachStdout,
            AttachStderr = attachStderr,
            StdinOnce = settings.Interactive && attachStdin,
            Volumes = anonymousVolumes.ToDictionary(v => v, _ => new Modular.Api.Json.EmptyObject()),
            HostConfig = new HostConfig
            {
                AutoRemove = settings.Remove,
                NetworkMode = settings.Network ?? "default",
                Runtime = settings.Runtime,
                LogConfig = new LogConfig { Type = settings.LogDriver ?? "", Config = ParseLogOptions(settings.LogOptions) },
                Binds = binds,
                Mounts = settings.Mounts.Count > 0 ? settings.Mounts.Select(m => MountFlags.ParseMount(m, Path.GetFullPath)).ToList() : null,
                Tmpfs = settings.Tmpfs.Count > 0 ? MountFlags.ParseTmpfs(settings.Tmpfs) : null,
                VolumesFrom = [.. settings.VolumesFrom],
                ReadonlyRootfs = settings.ReadOnly,
                ShmSize = settings.ShmSize is { } shm ? MountFlags.ParseShmSize(shm) : 0,
            },
            NetworkingConfig = new NetworkingConfig { EndpointsConfig = [] },
        };
        SecurityHealthRequest.Apply(settings.SecurityHealth, request, readFile);
        return request;
    }

    private static HashSet<string> ParseAttach(IReadOnlyList<string> streams)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            var lower = stream.ToLowerInvariant();
            if (lower is not ("stdin" or "stdout" or "stderr"))
                throw new CliStatusException(CliErrors.DaemonError,
                    $"invalid argument \"{stream}\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR");
            result.Add(lower);
        }
        return result;
    }

    /// <summary>docker's ValidateEnv: "KEY=value" as given; a bare "KEY" takes the caller's value when it has one.</summary>
    internal static string ExpandEnvironmentArgument(string entry, Func<string, string?> lookupEnvironment)
    {
        var eq = entry.IndexOf('=');
        if (eq == 0)
            throw new CliStatusException(CliErrors.DaemonError, $"invalid argument \"{entry}\" for \"-e, --env\" flag: invalid environment variable: {entry}");
        if (eq > 0)
            return entry;
        return lookupEnvironment(entry) is { } value ? $"{entry}={value}" : entry;
    }

    private static Dictionary<string, string> ParseLabels(IReadOnlyList<string> labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var eq = label.IndexOf('=');
            if (eq == 0)
                throw new CliStatusException(CliErrors.DaemonError, $"invalid argument \"{label}\" for \"-l, --label\" flag: invalid label format: \"{label}\"");
            if (eq < 0)
                result[label] = "";
            else
                result[label[..eq]] = label[(eq + 1)..];
        }
        return result;
    }

    private static Dictionary<string, string> ParseLogOptions(IReadOnlyList<string> options)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            var eq = option.IndexOf('=');
            if (eq <= 0)
                throw new CliStatusException(CliErrors.DaemonError, $"invalid argument \"{option}\" for \"--log-opt\" flag: invalid key value pair format in log options");
            result[option[..eq]] = option[(eq + 1)..];
        }
        return result;
    }
}

/// <summary>docker's --env-file format: KEY=value lines, # comments, bare KEY taken from the caller's environment.</summary>
internal static class EnvFile
{
    public static List<string> Parse(string fileName, string content, Func<string, string?> lookupEnvironment)
    {
        var result = new List<string>();
        var lines = content.Split('\n');
        for (var number = 0; number < lines.Length; number++)
        {
            var line = lines[number].TrimEnd('\r');
            if (number == 0)
                line = line.TrimStart('\uFEFF');
            line = line.TrimStart();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;

            var eq = line.IndexOf('=');
            var variable = (eq >= 0 ? line[..eq] : line).TrimStart(' ', '\t');
            if (variable.Any(c => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r'))
                throw new CliStatusException(CliErrors.DaemonError, $"invalid env file ({fileName}): variable '{variable}' contains whitespaces");
            if (variable.Length == 0)
                throw new CliStatusException(CliErrors.DaemonError, $"invalid env file ({fileName}): no variable name on line '{line}'");

            if (eq >= 0)
                result.Add(variable + "=" + line[(eq + 1)..]);
            else if (lookupEnvironment(line) is { } value)
                result.Add(variable.Trim() + "=" + value);
        }
        return result;
    }
}
