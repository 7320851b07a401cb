using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;

namespace Modular.Kernel.Health;

/// <summary>
/// Runs one health probe as `docker exec` does (same runtime path, same exec events), collecting its output and
/// killing it when it outlives the timeout.
/// </summary>
public sealed class ExecProbe(ExecService execs)
{
    public async Task<HealthProbeResult> RunAsync(Container container, HealthSettings settings, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        ExecInstance? exec = null;
        try
        {
            exec = execs.Create(container.Id, new ExecConfig
            {
                Cmd = settings.Command.ToList(),
                AttachStdout = true,
                AttachStderr = true,
            });
            var output = new ProbeOutput();
            var reader = exec.Hub.Subscribe(stdout: true, stderr: true);
            var collected = Task.Run(async () =>
            {
                await foreach (var chunk in reader.ReadAllAsync(CancellationToken.None))
                {
                    output.Append(chunk.Bytes.Span);
                }
            }, CancellationToken.None);
            await execs.StartAsync(exec, cancellationToken);
            int exitCode;
            try
            {
                exitCode = await exec.Exited.WaitAsync(settings.Timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                KillProbe(exec);
                return new HealthProbeResult(start, DateTimeOffset.UtcNow, -1,
                    $"Health check exceeded timeout ({GoDurationText.Format(settings.Timeout)})");
            }
            catch (OperationCanceledException)
            {
                KillProbe(exec);
                throw;
            }
            await collected;
            return new HealthProbeResult(start, DateTimeOffset.UtcNow, exitCode, output.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthProbeResult(start, DateTimeOffset.UtcNow, -1, e.Message);
        }
        finally
        {
            if (exec is not null)
            {
                execs.Discard(exec.Id);
            }
        }
    }

    private static void KillProbe(ExecInstance exec)
    {
        if (exec.Pid is > 0 and var pid)
        {
            ProcessSyscalls.Signal(pid, Signals.Kill);
        }
    }
}
