using System.Collections.Concurrent;
using System.CommandLine;
using Modular.Api.Client;
using Modular.Cli.Formatting;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular stats [--all] [--no-stream] [--no-trunc] [--format] [CONTAINER...]</c>: one reader per container keeps
/// its latest line; the table is redrawn every 500 ms after clearing the screen (docker's ANSI sequence), or printed
/// once with --no-stream. Without names the running containers (all with -a) are followed as they come and go.
/// </summary>
internal static class StatsCommand
{
    private const string ClearScreen = "\u001b[2J\u001b[H";
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FirstFrameTimeout = TimeSpan.FromSeconds(2);
    private static int _learned;

    public static Command Build()
    {
        var command = new Command("stats", "Display a live stream of container(s) resource usage statistics");
        var all = new Option<bool>("--all", "-a") { Description = "Show all containers (default shows just running)" };
        var noStream = new Option<bool>("--no-stream") { Description = "Disable streaming stats and only pull the first result" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate output" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')" };
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.ZeroOrMore };
        foreach (var option in new Option[] { all, format, noStream, noTrunc })
            command.Options.Add(option);
        command.Arguments.Add(containers);

        CommandRunner.SetAction(command, (context, result, cancellationToken) => RunAsync(context, result.GetValue(containers) ?? [],
            result.GetValue(all), result.GetValue(noStream), !result.GetValue(noTrunc), result.GetValue(format), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string[] names, bool all, bool noStream, bool truncate, string? format,
        CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tracked = new ConcurrentDictionary<string, ContainerStatsReader>();
        var followListing = names.Length == 0;

        if (followListing)
            await TrackListedAsync(context, tracked, all, noStream, stopping.Token).ConfigureAwait(false);
        else
            foreach (var name in names)
                tracked.TryAdd(name, ContainerStatsReader.Start(context.Client, name, noStream, stopping.Token));

        await Task.WhenAll(tracked.Values.Select(r => r.FirstFrameAsync(FirstFrameTimeout))).ConfigureAwait(false);
        if (!followListing)
        {
            var errors = tracked.Values.Select(r => r.Error).OfType<Exception>().ToList();
            if (errors.Count > 0)
            {
                await stopping.CancelAsync().ConfigureAwait(false);
                throw new CliStatusException(1, string.Join("\n", errors.Select(e => e is EngineApiException api ? CliErrors.DaemonMessage(api) : e.Message)));
            }
        }

        while (true)
        {
            var rows = (followListing ? tracked.Values.OrderBy(r => r.Order) : names.Select(n => tracked[n]))
                .Select(r => new StatsRow(r.Current, truncate)).ToList();
            var table = TableOutput.Render(format, StatsRow.DefaultTable, rows, StatsRow.Headers);
            context.Out.Write(noStream ? table : ClearScreen + table);
            context.Out.Flush();
            if (noStream)
                break;
            try
            {
                await Task.Delay(Refresh, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (followListing)
                await TrackListedAsync(context, tracked, all, noStream, stopping.Token).ConfigureAwait(false);
        }
        await stopping.CancelAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Adds containers that appeared in the listing and drops the ones that left it.</summary>
    private static async Task TrackListedAsync(CliContext context, ConcurrentDictionary<string, ContainerStatsReader> tracked, bool all, bool noStream,
        CancellationToken cancellationToken)
    {
        var listed = await context.Client.ListContainersAsync(all: all, cancellationToken: cancellationToken).ConfigureAwait(false);
        var ids = listed.Select(c => c.Id).ToHashSet();
        foreach (var gone in tracked.Keys.Where(id => !ids.Contains(id)).ToList())
            if (tracked.TryRemove(gone, out var reader))
                reader.Dispose();
        // docker keeps the listing's order (newest first) and puts containers that start later at the end.
        foreach (var container in listed)
            tracked.GetOrAdd(container.Id, id => ContainerStatsReader.Start(context.Client, id, noStream, cancellationToken, Interlocked.Increment(ref _learned)));
    }
}
