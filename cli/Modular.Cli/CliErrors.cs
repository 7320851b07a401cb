using System.Net.Sockets;
using Modular.Api.Client;

namespace Modular.Cli;

/// <summary>Ends a command with a message on stderr and an exit status (docker's cli.StatusError).</summary>
internal sealed class CliStatusException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Docker's exit-status and error-text rules, in one place.</summary>
internal static class CliErrors
{
    /// <summary>The daemon refused to create or start the container (docker run's own failure).</summary>
    public const int DaemonError = 125;
    /// <summary>The container command exists but cannot be invoked.</summary>
    public const int CannotInvoke = 126;
    /// <summary>The container command was not found.</summary>
    public const int CommandNotFound = 127;

    /// <summary>docker/cli's toStatusError: classify a create/start failure by its message.</summary>
    public static int ExitCodeForRunFailure(string message)
    {
        if (message.Contains("executable file not found", StringComparison.Ordinal)
            || message.Contains("no such file or directory", StringComparison.Ordinal)
            || message.Contains("system cannot find the file specified", StringComparison.Ordinal))
            return CommandNotFound;
        if (message.Contains("permission denied", StringComparison.Ordinal)
            || message.Contains("is a directory", StringComparison.Ordinal)
            || message.Contains("cannot invoke", StringComparison.Ordinal))
            return CannotInvoke;
        return DaemonError;
    }

    /// <summary>"modular: &lt;error&gt;\n\nRun 'modular &lt;command&gt; --help' for more information".</summary>
    public static CliStatusException WithHelp(string command, string message, int exitCode) =>
        new(exitCode, $"modular: {message}\n\nRun 'modular {command} --help' for more information");

    public static string DaemonMessage(EngineApiException error) => "Error response from daemon: " + error.Message;

    /// <summary>Why the socket could not be reached, with what to do about it.</summary>
    public static string Unreachable(EngineUnreachableException error)
    {
        var endpoint = error.Endpoint;
        var socketError = (error.InnerException as SocketException)?.SocketErrorCode;
        if (socketError == SocketError.AccessDenied)
            return $"permission denied while trying to connect to the modular daemon socket at {endpoint}: " +
                   "run the command as root, or as a user allowed to access the socket.";

        var where = endpoint.IsUnix ? $"{endpoint} (socket {endpoint.SocketPath})" : endpoint.ToString();
        var reason = socketError switch
        {
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when endpoint.IsUnix && !File.Exists(endpoint.SocketPath) => "the socket does not exist",
            _ when endpoint.IsUnix && !File.Exists(endpoint.SocketPath) => "the socket does not exist",
            SocketError.ConnectionRefused => "nothing is listening on it",
            _ => error.InnerException?.Message ?? "connection failed",
        };
        return $"Cannot connect to the modular daemon at {where}: {reason}. Is the daemon running? " +
               "Start it with `modulard` or `systemctl start modular`, or point -H/--host or MODULAR_HOST at the right socket.";
    }
}
