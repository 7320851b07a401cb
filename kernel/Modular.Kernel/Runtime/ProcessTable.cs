using System.Diagnostics;
using Modular.Api.Models;
using Modular.Sdk;

namespace Modular.Kernel.Runtime;

/// <summary>The host's `ps` output restricted to a set of pids: what `docker top` shows.</summary>
public static class ProcessTable
{
    public static async Task<ContainerTopResponse> ListAsync(string psArgs, IReadOnlySet<int> pids, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in psArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(argument);
        }
        using var ps = Process.Start(info) ?? throw new DriverException(DriverErrorKind.Internal, "could not run ps");
        var output = await ps.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await ps.StandardError.ReadToEndAsync(cancellationToken);
        await ps.WaitForExitAsync(cancellationToken);
        if (ps.ExitCode != 0)
        {
            throw DriverException.InvalidArgument($"ps {psArgs} failed: {error.Trim()}");
        }
        return Parse(output, pids);
    }

    public static ContainerTopResponse Parse(string output, IReadOnlySet<int> pids)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            throw DriverException.InvalidArgument("ps printed nothing");
        }
        var titles = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var pidColumn = titles.IndexOf("PID");
        if (pidColumn < 0)
        {
            throw DriverException.InvalidArgument("Couldn't find PID field in ps output");
        }
        var processes = new List<List<string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length <= pidColumn || !int.TryParse(fields[pidColumn], out var pid) || !pids.Contains(pid))
            {
                continue;
            }
            // The last column (the command) may contain spaces: everything past the titles' count belongs to it.
            var row = fields.Take(titles.Count - 1).ToList();
            row.Add(string.Join(' ', fields.Skip(titles.Count - 1)));
            processes.Add(row);
        }
        return new ContainerTopResponse { Titles = titles, Processes = processes };
    }
}
