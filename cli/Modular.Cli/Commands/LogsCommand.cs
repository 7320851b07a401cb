using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Modular.Api.Client;
using Modular.Api.Streams;

namespace Modular.Cli.Commands;

/// <summary><c>modular logs</c>: stdout frames to our stdout, stderr frames to our stderr (raw copy for TTY containers).</summary>
internal static partial class LogsCommand
{
    public static Command Build()
    {
        var command = new Command("logs", "Fetch the logs of a container");
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow log output" };
        var tail = new Option<string>("--tail", "-n") { Description = "Number of lines to show from the end of the logs", DefaultValueFactory = _ => "all" };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Show timestamps" };
        var details = new Option<bool>("--details") { Description = "Show extra details provided to logs" };
        var since = new Option<string?>("--since") { Description = "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)" };
        var until = new Option<string?>("--until") { Description = "Show logs before a timestamp or relative" };
        var container = new Argument<string>("CONTAINER");
        foreach (var option in new Option[] { details, follow, since, tail, timestamps, until })
            command.Options.Add(option);
        command.Arguments.Add(container);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var name = result.GetValue(container)!;
            var inspect = await context.Client.InspectContainerAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            var options = new LogsOptions
            {
                Follow = result.GetValue(follow),
                Tail = result.GetValue(tail) ?? "all",
                Timestamps = result.GetValue(timestamps),
                Details = result.GetValue(details),
                Since = result.GetValue(since) is { } s ? ToTimestamp(s, now) : null,
                Until = result.GetValue(until) is { } u ? ToTimestamp(u, now) : null,
            };

            await using var logs = await context.Client.LogsAsync(name, options, cancellationToken).ConfigureAwait(false);
            if (inspect.Config?.Tty == true)
            {
                await logs.Body.CopyToAsync(context.StdoutStream, cancellationToken).ConfigureAwait(false);
                await context.StdoutStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StdStreamFrames.DemultiplexAsync(logs.Body, context.StdoutStream, context.StderrStream, cancellationToken).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    /// <summary>docker's GetTimestamp: a Go duration is "now minus it", a date becomes Unix seconds.nanoseconds,
    /// a plain number is passed through.</summary>
    internal static string ToTimestamp(string value, DateTimeOffset now)
    {
        if (GoDuration().IsMatch(value))
            return FormatUnix(now - ParseGoDuration(value));
        if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return value;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var moment))
            return FormatUnix(moment);
        throw new CliStatusException(1, $"invalid value for \"since\": failed to parse value as time or duration: \"{value}\"");
    }

    private static string FormatUnix(DateTimeOffset moment)
    {
        var ticks = moment.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var nanos = (ticks % TimeSpan.TicksPerSecond) * 100;
        return $"{seconds}.{nanos:000000000}";
    }

    private static TimeSpan ParseGoDuration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (Match part in GoDurationPart().Matches(text))
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "us" or "µs" => TimeSpan.FromMicroseconds(amount),
                _ => TimeSpan.FromTicks((long)(amount / 100)),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|us|µs|ns|h|m|s)")]
    private static partial Regex GoDurationPart();
}
