using System.CommandLine;
using System.Text;
using Modular.Api.Json;
using Modular.Api.Models;

namespace Modular.Cli.Commands;

/// <summary><c>modular network connect|disconnect|prune</c>, with docker's flags, output and messages.</summary>
internal static class NetworkConnectCommands
{
    private const string PruneWarning = "WARNING! This will remove all custom networks not used by at least one container.";

    public static void AddTo(Command network)
    {
        network.Subcommands.Add(BuildConnect());
        network.Subcommands.Add(BuildDisconnect());
        network.Subcommands.Add(BuildPrune());
    }

    private static Command BuildConnect()
    {
        var command = new Command("connect", "Connect a container to a network");
        var aliases = new Option<string[]>("--alias") { Description = "Add network-scoped alias for the container" };
        var driverOptions = new Option<string[]>("--driver-opt") { Description = "driver options for the network" };
        var gatewayPriority = new Option<int>("--gw-priority") { Description = "Highest gw-priority provides the default gateway. Accepts positive and negative values." };
        var ipv4 = new Option<string?>("--ip") { Description = "IPv4 address (e.g., \"172.30.100.104\")" };
        var ipv6 = new Option<string?>("--ip6") { Description = "IPv6 address (e.g., \"2001:db8::33\")" };
        var links = new Option<string[]>("--link") { Description = "Add link to another container" };
        var linkLocal = new Option<string[]>("--link-local-ip") { Description = "Add a link-local address for the container" };
        var network = new Argument<string>("NETWORK");
        var container = new Argument<string>("CONTAINER");
        foreach (var option in new Option[] { aliases, driverOptions, gatewayPriority, ipv4, ipv6, links, linkLocal })
            command.Options.Add(option);
        command.Arguments.Add(network);
        command.Arguments.Add(container);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var linkValues = result.GetValue(links) ?? [];
            foreach (var link in linkValues)
                ValidateLink(link);
            var request = new NetworkConnectRequest
            {
                Container = result.GetValue(container)!,
                EndpointConfig = new EndpointSettings
                {
                    IPAMConfig = new EndpointIpamConfig
                    {
                        IPv4Address = NullIfEmpty(result.GetValue(ipv4)),
                        IPv6Address = NullIfEmpty(result.GetValue(ipv6)),
                        LinkLocalIPs = result.GetValue(linkLocal) is { Length: > 0 } local ? [.. local] : null,
                    },
                    Links = linkValues.Length > 0 ? [.. linkValues] : null,
                    Aliases = result.GetValue(aliases) is { Length: > 0 } names ? [.. names] : null,
                    DriverOpts = DriverOptions(result.GetValue(driverOptions) ?? []),
                    GwPriority = result.GetValue(gatewayPriority),
                },
            };
            await context.Client.ConnectNetworkAsync(result.GetValue(network)!, request, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command BuildDisconnect()
    {
        var command = new Command("disconnect", "Disconnect a container from a network");
        var force = new Option<bool>("--force", "-f") { Description = "Force the container to disconnect from a network" };
        var network = new Argument<string>("NETWORK");
        var container = new Argument<string>("CONTAINER");
        command.Options.Add(force);
        command.Arguments.Add(network);
        command.Arguments.Add(container);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var request = new NetworkDisconnectRequest { Container = result.GetValue(container)!, Force = result.GetValue(force) };
            await context.Client.DisconnectNetworkAsync(result.GetValue(network)!, request, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command BuildPrune()
    {
        var command = new Command("prune", "Remove all unused networks");
        var filter = new Option<string[]>("--filter") { Description = "Provide filter values (e.g. \"until=<timestamp>\")" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        command.Options.Add(filter);
        command.Options.Add(force);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            if (!result.GetValue(force))
            {
                context.Out.Write(PruneWarning + "\nAre you sure you want to continue? [y/N] ");
                context.Out.Flush();
                // docker treats a refusal as a cancellation: nothing more is printed and the exit status is 0.
                if (Console.In.ReadLine()?.Trim() is not ("y" or "Y"))
                    return 0;
            }
            var report = await context.Client.PruneNetworksAsync(filters, cancellationToken).ConfigureAwait(false);
            if (report.NetworksDeleted is { Count: > 0 } deleted)
            {
                // docker builds "Deleted Networks:\n<name>\n..." and prints it with Fprintln, hence the blank line after.
                var output = new StringBuilder("Deleted Networks:\n");
                foreach (var name in deleted)
                    output.Append(name).Append('\n');
                context.Out.Write(output.Append('\n').ToString());
            }
            return 0;
        });
        return command;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // docker/cli convertDriverOpt: key=value, both trimmed, the key required.
    private static Dictionary<string, string>? DriverOptions(string[] values)
    {
        if (values.Length == 0)
            return null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var separator = value.IndexOf('=');
            var key = separator < 0 ? "" : value[..separator].Trim();
            if (key.Length == 0)
                throw new CliStatusException(1, "invalid key/value pair format in driver options");
            options[key] = value[(separator + 1)..].Trim();
        }
        return options;
    }

    // docker's opts.ValidateLink runs while flags are parsed, so a bad link is a usage error.
    private static void ValidateLink(string link)
    {
        var reason = link.Length == 0 ? "empty string specified for links"
            : link.Split(':').Length > 2 ? "bad format for links: " + link
            : null;
        if (reason is not null)
            throw CliErrors.WithHelp("network connect", $"invalid argument \"{link}\" for \"--link\" flag: {reason}", 125);
    }
}
