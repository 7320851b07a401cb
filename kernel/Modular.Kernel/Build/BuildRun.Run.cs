using System.Text;
using Modular.Api.Models;
using Modular.Kernel.Build.Dockerfile;
using Modular.Kernel.Plugins;

namespace Modular.Kernel.Build;

internal sealed partial class BuildRun
{
    /// <summary>
    /// RUN: a container of the stage's image runs the command (through SHELL for the shell form) with the config's
    /// environment plus the declared build args, its output streamed into the build; a zero exit is committed, any
    /// other stops the build with that code. The container is removed afterwards, and always on failure.
    /// </summary>
    private async Task RunAsync(StageState state, RunInstruction run, CancellationToken cancellationToken)
    {
        var command = RunCommand(state, run);
        var args = state.EffectiveArgs();
        var createdBy = (args.Count > 0 ? $"|{args.Count} {string.Join(' ', args.Select(a => $"{a.Key}={a.Value}"))} " : "") +
            string.Join(' ', command);
        if (await TryCacheAsync(state, state.Config, createdBy))
        {
            return;
        }

        var containers = _builder.Containers;
        var environment = (state.Config.Env ?? []).Concat(args.Select(a => $"{a.Key}={a.Value}"))
            .Concat(_args.UndeclaredPredefined(state.Args).Select(a => $"{a.Key}={a.Value}")).ToList();
        var request = new ContainerCreateRequest
        {
            Image = state.ImageId ?? throw Modular.Sdk.DriverException.InvalidArgument("no image to run the command in (FROM scratch has no files)"),
            Cmd = command,
            Entrypoint = [""],
            Env = environment,
            User = state.Config.User ?? "",
            WorkingDir = state.Config.WorkingDir ?? "",
            AttachStdout = true,
            AttachStderr = true,
            HostConfig = new HostConfig
            {
                NetworkMode = _options.NetworkMode is { Length: > 0 } network ? network : "default",
                LogConfig = containers.Drivers.Has(DriverKind.Logging, "none") ? new LogConfig { Type = "none" } : new LogConfig(),
            },
        };
        var id = containers.Create(null, request).Id;
        _builder.Journal.RecordContainer(id);
        var removed = false;
        try
        {
            await _output.StepAsync($" ---> Running in {id[..12]}\n");
            var container = containers.Store.Get(id);
            var handle = containers.HandleOf(container);
            var exited = handle.NextExit;
            var output = handle.Hub.Subscribe(stdout: true, stderr: true);
            await _builder.Runner.StartAsync(id, cancellationToken);
            await PumpAsync(output, cancellationToken);
            var exitCode = await exited.WaitAsync(cancellationToken);
            if (exitCode != 0)
            {
                throw new BuildStepException($"The command '{string.Join(' ', command)}' returned a non-zero code: {exitCode}", exitCode);
            }
            await CommitNewAsync(state, state.Config, createdBy, container.LayerId, cancellationToken, announce: false);
            if (_options.Remove || _options.ForceRemove)
            {
                await containers.RemoveAsync(id, force: true, _builder.Runner, CancellationToken.None);
                await _output.StepAsync($"Removing intermediate container {id[..12]}\n");
            }
            _builder.Journal.ForgetContainer(id);
            removed = true;
            await AnnounceAsync(state.ImageId!);
        }
        finally
        {
            if (!removed)
            {
                await RemoveQuietlyAsync(id);
            }
        }
    }

    private async Task RemoveQuietlyAsync(string id)
    {
        try
        {
            await _builder.Containers.RemoveAsync(id, force: true, _builder.Runner, CancellationToken.None);
            _builder.Journal.ForgetContainer(id);
        }
        catch (Exception e)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_builder.Logger, e, "Could not remove build container {Id}", id);
        }
    }

    private async Task PumpAsync(System.Threading.Channels.ChannelReader<Streams.OutputChunk> output, CancellationToken cancellationToken)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        await foreach (var chunk in output.ReadAllAsync(cancellationToken))
        {
            var chars = new char[decoder.GetCharCount(chunk.Bytes.Span, flush: false)];
            decoder.GetChars(chunk.Bytes.Span, chars, flush: false);
            if (chars.Length > 0)
            {
                await _output.StepAsync(new string(chars));
            }
        }
    }

    /// <summary>
    /// The argv of a RUN. A RUN that is only a heredoc runs the heredoc's text as the script; heredocs used as input
    /// (<c>RUN cat &lt;&lt;EOF</c>) stay in the script the shell reads, with their bodies and terminators.
    /// </summary>
    private static List<string> RunCommand(StageState state, RunInstruction run)
    {
        if (run.Command.IsExecForm)
        {
            return run.Command.Arguments.ToList();
        }
        var text = run.Command.ShellText;
        if (run.Heredocs.Count == 0)
        {
            return [.. state.Shell, text];
        }
        if (run.Heredocs.Count == 1 && text.Trim().TrimStart('<', '-').Trim('"', '\'') == run.Heredocs[0].Name)
        {
            var body = run.Heredocs[0].Content;
            if (body.StartsWith("#!", StringComparison.Ordinal))
            {
                var shebang = body[2..body.IndexOf('\n')].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return [.. shebang, "-c", body];
            }
            return [.. state.Shell, body];
        }
        var script = new StringBuilder(text).Append('\n');
        foreach (var heredoc in run.Heredocs)
        {
            script.Append(heredoc.Content).Append(heredoc.Name).Append('\n');
        }
        return [.. state.Shell, script.ToString()];
    }
}
