using Modular.Kernel.Build.Dockerfile;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Build;

internal sealed partial class BuildRun
{
    /// <summary>The config a metadata instruction makes and the comment its history entry gets (after "#(nop)").</summary>
    private (ImageExecutionConfig Config, string Comment) MetadataChange(StageState state, Instruction instruction, VariableExpander expander)
    {
        var config = state.Config;
        switch (instruction)
        {
            case EnvInstruction env:
            {
                var pairs = env.Variables.Select(v => (Key: expander.ProcessWord(v.Key), Value: expander.ProcessWord(v.Value ?? ""))).ToList();
                var variables = (config.Env ?? []).ToList();
                foreach (var (key, value) in pairs)
                {
                    var index = variables.FindIndex(v => v.Split('=', 2)[0] == key);
                    if (index >= 0)
                    {
                        variables[index] = $"{key}={value}";
                    }
                    else
                    {
                        variables.Add($"{key}={value}");
                    }
                }
                return (config with { Env = variables }, "ENV " + string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")));
            }
            case LabelInstruction label:
            {
                var pairs = label.Labels.Select(l => (Key: expander.ProcessWord(l.Key), Value: expander.ProcessWord(l.Value ?? ""))).ToList();
                var labels = new Dictionary<string, string>(config.Labels ?? new Dictionary<string, string>());
                foreach (var (key, value) in pairs)
                {
                    labels[key] = value;
                }
                return (config with { Labels = labels }, "LABEL " + string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")));
            }
            case ArgInstruction arg:
            {
                var parts = new List<string>();
                foreach (var pair in arg.Arguments)
                {
                    var name = pair.Key;
                    var defaultValue = pair.Value is null ? null : expander.ProcessWord(pair.Value);
                    state.Args[name] = _args.StageValue(name, defaultValue);
                    parts.Add(defaultValue is null ? name : $"{name}={defaultValue}");
                }
                return (config, "ARG " + string.Join(' ', parts));
            }
            case ExposeInstruction expose:
            {
                var given = expose.Ports.Select(expander.ProcessWord).ToList();
                var ports = (config.ExposedPorts ?? []).ToList();
                foreach (var port in given.SelectMany(ExposedPorts))
                {
                    if (!ports.Contains(port))
                    {
                        ports.Add(port);
                    }
                }
                return (config with { ExposedPorts = ports }, "EXPOSE " + string.Join(' ', given));
            }
            case VolumeInstruction volume:
            {
                var given = volume.Volumes.Select(expander.ProcessWord).ToList();
                if (given.Any(v => v.Trim().Length == 0))
                {
                    throw DriverException.InvalidArgument("VOLUME specified can not be an empty string");
                }
                var volumes = (config.Volumes ?? []).ToList();
                volumes.AddRange(given.Where(v => !volumes.Contains(v)));
                return (config with { Volumes = volumes }, "VOLUME " + GoFormat.PlainList(given));
            }
            case ValueInstruction { Keyword: "USER" } user:
            {
                var value = expander.ProcessWord(user.Value);
                return (config with { User = value }, "USER " + value);
            }
            case ValueInstruction { Keyword: "STOPSIGNAL" } signal:
            {
                var value = expander.ProcessWord(signal.Value);
                return (config with { StopSignal = value }, "STOPSIGNAL " + value);
            }
            case ValueInstruction { Keyword: "MAINTAINER" } maintainer:
                state.Author = maintainer.Value;
                return (config, "MAINTAINER " + maintainer.Value);
            case CmdInstruction cmd:
            {
                var command = CommandOf(state, cmd.Command);
                state.CmdSet = true;
                return (config with { Cmd = command }, "CMD " + GoFormat.QuotedList(command));
            }
            case EntrypointInstruction entrypoint:
            {
                var command = CommandOf(state, entrypoint.Command);
                return (config with { Entrypoint = command.Count == 0 ? null : command, Cmd = state.CmdSet ? config.Cmd : null },
                    "ENTRYPOINT " + GoFormat.QuotedList(command));
            }
            case ShellInstruction shell:
                return (config with { Shell = shell.Shell.ToList() }, "SHELL " + GoFormat.PlainList(shell.Shell));
            case HealthcheckInstruction check:
            {
                var test = check.Command is null ? new List<string> { "NONE" }
                    : check.Command.IsExecForm ? ["CMD", .. check.Command.Arguments]
                    : ["CMD-SHELL", check.Command.ShellText];
                var healthcheck = new ImageHealthcheck(test, check.Interval, check.Timeout, check.StartPeriod, check.StartInterval, check.Retries);
                var comment = $"HEALTHCHECK &{{{GoFormat.QuotedList(test)} {GoFormat.Quote(GoFormat.Duration(check.Interval))} " +
                    $"{GoFormat.Quote(GoFormat.Duration(check.Timeout))} {GoFormat.Quote(GoFormat.Duration(check.StartPeriod))} " +
                    $"{GoFormat.Quote(GoFormat.Duration(check.StartInterval))} '\\x{check.Retries:x2}'}}";
                return (config with { Healthcheck = healthcheck }, comment);
            }
            case OnBuildInstruction onBuild:
                return (config with { OnBuild = [.. config.OnBuild ?? [], onBuild.Expression] }, "ONBUILD " + onBuild.Expression);
            default:
                throw DriverException.InvalidArgument($"unsupported instruction {instruction.Name}");
        }
    }

    /// <summary>CMD/ENTRYPOINT/RUN's argv: the exec form as written, the shell form through the stage's SHELL.</summary>
    private static List<string> CommandOf(StageState state, CommandLine command) =>
        command.IsExecForm ? command.Arguments.ToList() : [.. state.Shell, command.ShellText];

    /// <summary>"80" is "80/tcp"; "8000-8002/udp" is three ports.</summary>
    private static IEnumerable<string> ExposedPorts(string spec)
    {
        var split = spec.Split('/', 2);
        var protocol = split.Length > 1 && split[1].Length > 0 ? split[1].ToLowerInvariant() : "tcp";
        var range = split[0].Split('-', 2);
        if (!ushort.TryParse(range[0], out var first) || (range.Length == 2 && !ushort.TryParse(range[1], out _)))
        {
            throw DriverException.InvalidArgument($"invalid containerPort: {split[0]}");
        }
        var last = range.Length == 2 ? ushort.Parse(range[1]) : first;
        if (last < first)
        {
            throw DriverException.InvalidArgument($"invalid range specified for container port: {split[0]}");
        }
        for (var port = (int)first; port <= last; port++)
        {
            yield return $"{port}/{protocol}";
        }
    }

    /// <summary>WORKDIR: the path (relative to the previous one) becomes the working dir and is created in a layer.</summary>
    private async Task WorkdirAsync(StageState state, string path, CancellationToken cancellationToken)
    {
        var current = state.Config.WorkingDir is { Length: > 0 } dir ? dir : "/";
        var absolute = Modular.Api.Build.IgnorePatterns.CleanPath(path.StartsWith('/') ? path : current.TrimEnd('/') + "/" + path);
        var config = state.Config with { WorkingDir = absolute };
        var createdBy = NopCommand(state, "WORKDIR " + absolute, singleArgument: true);
        if (await TryCacheAsync(state, config, createdBy))
        {
            return;
        }
        using var workspace = CreateWorkspace(state);
        new RootWriter(workspace.Rootfs, (0, 0), null).EnsureDirectory(absolute);
        workspace.Unmount();
        await CommitNewAsync(state, config, createdBy, workspace.Id, cancellationToken);
    }

    private LayerWorkspace CreateWorkspace(StageState state) =>
        LayerWorkspace.Create(Storage, _builder.Journal, state.ImageId is null ? null : Images.Inspect(state.ImageId).TopLayerCacheId);

    private Modular.Sdk.Storage.IStorageDriver Storage => _builder.Containers.Drivers.Storage(_builder.Containers.StorageDriverName);
}
