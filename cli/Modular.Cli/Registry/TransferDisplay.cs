using System.Globalization;
using Modular.Api.Models;

namespace Modular.Cli.Registry;

/// <summary>
/// docker's jsonmessage display of a pull or push. On a terminal every layer id keeps a line of its own, redrawn in
/// place with docker's progress bar (<c>[=====&gt;   ]  1.2MB/3.4MB</c>); otherwise one line per status, progress
/// updates left out. An error message ends the command with status 1. Returns the aux objects (push results).
/// </summary>
internal static class TransferDisplay
{
    public static async Task ShowAsync(IAsyncEnumerable<ProgressMessage> messages, TextWriter output, bool terminal, bool quiet = false)
    {
        var lines = new List<string>();
        await foreach (var message in messages.ConfigureAwait(false))
        {
            if (message.FailureMessage is { } failure)
                throw new CliStatusException(1, failure);
            if (message.Aux is not null || quiet)
                continue;
            var hasProgress = message.ProgressDetail is { } detail && (detail.Current > 0 || detail.Total > 0);
            if (message.Id is not { Length: > 0 } id)
            {
                output.Write($"{message.Status}\n");
                continue;
            }
            if (!terminal)
            {
                if (!hasProgress)
                    output.Write($"{id}: {message.Status}\n");
                continue;
            }
            var text = $"{id}: {message.Status}" + (hasProgress ? " " + Bar(message.ProgressDetail!) : "");
            var index = lines.IndexOf(id);
            if (index < 0)
            {
                lines.Add(id);
                output.Write($"\u001b[2K\r{text}\n");
            }
            else
            {
                var up = lines.Count - index;
                output.Write($"\u001b[{up}A\u001b[2K\r{text}\u001b[{up}B\r");
            }
            await output.FlushAsync().ConfigureAwait(false);
        }
        await output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>docker's JSONProgress.String for a wide terminal: a 50-column bar, then current/total in decimal units.</summary>
    public static string Bar(ProgressDetail detail)
    {
        if (detail.Total <= 0)
            return $"{HumanSize(detail.Current),8}";
        var filled = (int)Math.Min(50, detail.Current * 100 / detail.Total / 2);
        var bar = "[" + new string('=', filled) + ">" + new string(' ', 50 - filled) + "] ";
        var numbers = detail.Current > detail.Total ? "" : $"{HumanSize(detail.Current),8}/{HumanSize(detail.Total)}";
        return bar + numbers;
    }

    /// <summary>go-units HumanSize: decimal units, four significant digits ("2.81MB").</summary>
    public static string HumanSize(double size)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }
        return size.ToString("G4", CultureInfo.InvariantCulture) + units[unit];
    }
}
