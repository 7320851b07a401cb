using System.Diagnostics;
using Modular.Sdk;

namespace Modular.Storage.Zfs;

/// <summary>
/// Runs the <c>zfs</c> and <c>zpool</c> commands with arguments passed one by one (never through a shell) and turns a
/// failure into a <see cref="DriverException"/> carrying the command's own error text.
/// </summary>
internal sealed class ZfsCommand(string zfsPath, string? zpoolPath, IDriverLog log)
{
    /// <summary>Runs <c>zfs</c> with <paramref name="arguments"/> and returns its standard output.</summary>
    public string Zfs(params string[] arguments) => Run(zfsPath, arguments);

    /// <summary>Runs <c>zpool</c> with <paramref name="arguments"/> and returns its standard output.</summary>
    public string Zpool(params string[] arguments) =>
        Run(zpoolPath ?? throw DriverException.NotSupported("the zpool command is not installed (zfsutils-linux)"), arguments);

    /// <summary>The full path of <paramref name="command"/> found on PATH, or null.</summary>
    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Join(folder, command))
            .FirstOrDefault(path => File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    private string Run(string executable, string[] arguments)
    {
        var commandLine = $"{Path.GetFileName(executable)} {string.Join(' ', arguments)}";
        log.Debug($"[zfs] {commandLine}");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new DriverException(DriverErrorKind.Internal, $"could not start {commandLine}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0)
        {
            return output;
        }
        var message = error.Result.Trim();
        var kind = message switch
        {
            _ when message.Contains("dataset does not exist", StringComparison.Ordinal) => DriverErrorKind.NotFound,
            _ when message.Contains("dataset already exists", StringComparison.Ordinal) => DriverErrorKind.Conflict,
            _ when message.Contains("dataset is busy", StringComparison.Ordinal) => DriverErrorKind.Conflict,
            _ when message.Contains("dependent clones", StringComparison.Ordinal) => DriverErrorKind.Conflict,
            _ => DriverErrorKind.Internal,
        };
        throw new DriverException(kind, $"{commandLine} failed (exit {process.ExitCode}): {message}");
    }
}
