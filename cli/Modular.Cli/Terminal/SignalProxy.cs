using System.Runtime.InteropServices;

namespace Modular.Cli.Terminal;

/// <summary>
/// docker's --sig-proxy: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process go to the container instead
/// (POST /containers/{id}/kill?signal=), and this process keeps streaming until the container ends.
/// </summary>
internal sealed class SignalProxy : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    private SignalProxy(Func<string, Task> kill)
    {
        foreach (var (signal, name) in Forwarded)
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _ = ForwardAsync(kill, name);
            }));
    }

    /// <summary>The signals forwarded, with the name the kill endpoint is given.</summary>
    public static readonly (PosixSignal Signal, string Name)[] Forwarded =
    [
        (PosixSignal.SIGINT, "SIGINT"), (PosixSignal.SIGTERM, "SIGTERM"), (PosixSignal.SIGHUP, "SIGHUP"), (PosixSignal.SIGQUIT, "SIGQUIT"),
    ];

    public static SignalProxy Start(Func<string, Task> kill) => new(kill);

    private static async Task ForwardAsync(Func<string, Task> kill, string signal)
    {
        try
        {
            await kill(signal).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As docker: a signal that cannot be delivered (container already gone) is not worth an error.
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
