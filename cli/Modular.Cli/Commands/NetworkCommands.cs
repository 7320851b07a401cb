using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Modular.Api.Client;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Cli.Formatting;
using Modular.Cli.Templates;

namespace Modular.Cli.Commands;

/// <summary><c>modular network ls|create|rm|inspect</c>, with docker's flags.</summary>
internal static class NetworkCommands
{
    public static Command Build()
    {
        var network = new Command("network", "Manage networks");
        var list = new Command("ls", "List networks");
        list.Aliases.Add("list");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display network IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the output" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Provide filter values (e.g. \"driver=bridge\")" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template" };
        foreach (var option in new Option[] { filter, format, noTrunc, quiet })
            list.Options.Add(option);
        network.Subcommands.Add(list);

        CommandRunner.SetAction(list, async (context, result, cancellationToken) =>
        {
            var filters = new DockerFilters();
            foreach (var argument in result.GetValue(filter) ?? [])
                filters.AddArgument(argument);
            var networks = await context.Client.ListNetworksAsync(filters, cancellationToken).ConfigureAwait(false);
            var truncate = !result.GetValue(noTrunc);
            var template = result.GetValue(quiet) ? NetworkRow.QuietFormat
                : result.GetValue(format) is { Length: > 0 } custom ? custom
                : NetworkRow.DefaultTable;
            var rows = networks.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new NetworkRow(n, truncate));
            context.Out.Write(TableOutput.Render(template, NetworkRow.DefaultTable, rows, NetworkRow.Headers));
            return 0;
        });
        network.Subcommands.Add(BuildCreate());
        network.Subcommands.Add(BuildRemove());
        network.Subcommands.Add(BuildInspect());
        NetworkConnectCommands.AddTo(network);
        return network;
    }

    private static Command BuildCreate()
    {
        var command = new Command("create", "Create a network");
        var driver = new Option<string>("--driver", "-d") { Description = "Driver to manage the Network", DefaultValueFactory = _ => "bridge" };
        var subnet = new Option<string[]>("--subnet") { Description = "Subnet in CIDR format that represents a network segment" };
        var gateway = new Option<string[]>("--gateway") { Description = "IPv4 or IPv6 Gateway for the master subnet" };
        var ipRange = new Option<string[]>("--ip-range") { Description = "Allocate container ip from a sub-range" };
        var aux = new Option<string[]>("--aux-address") { Description = "Auxiliary IPv4 or IPv6 addresses used by Network driver" };
        var options = new Option<string[]>("--opt", "-o") { Description = "Set driver specific options" };
        var labels = new Option<string[]>("--label") { Description = "Set metadata on a network" };
        var isInternal = new Option<bool>("--internal") { Description = "Restrict external access to the network" };
        var attachable = new Option<bool>("--attachable") { Description = "Enable manual container attachment" };
        var ipv6 = new Option<bool>("--ipv6") { Description = "Enable or disable IPv6 networking" };
        var name = new Argument<string>("NETWORK");
        foreach (var option in new Option[] { driver, subnet, gateway, ipRange, aux, options, labels, isInternal, attachable, ipv6 })
            command.Options.Add(option);
        command.Arguments.Add(name);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var request = new NetworkCreateRequest
            {
                Name = result.GetValue(name)!,
                Driver = result.GetValue(driver) ?? "bridge",
                Internal = result.GetValue(isInternal),
                Attachable = result.GetValue(attachable),
                EnableIPv6 = result.GetResult(ipv6) is { Implicit: false } ? result.GetValue(ipv6) : null,
                IPAM = new NetworkIpam { Driver = "default", Config = IpamConfigs(result.GetValue(subnet) ?? [], result.GetValue(gateway) ?? [],
                    result.GetValue(ipRange) ?? [], result.GetValue(aux) ?? []), Options = [] },
                Options = KeyValues(result.GetValue(options) ?? [], "opt"),
                Labels = KeyValues(result.GetValue(labels) ?? [], "label"),
            };
            var created = await context.Client.CreateNetworkAsync(request, cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine(created.Id);
            return 0;
        });
        return command;
    }

    // docker's consolidation: each gateway, range and aux address belongs to the subnet that contains it.
    private static List<IpamConfig> IpamConfigs(string[] subnets, string[] gateways, string[] ranges, string[] auxAddresses)
    {
        if (subnets.Length == 0 && (gateways.Length > 0 || ranges.Length > 0 || auxAddresses.Length > 0))
            throw new CliStatusException(1, "every ip-range or gateway must have a corresponding subnet");
        var configs = subnets.Select(s => new IpamConfig { Subnet = s }).ToList();
        IpamConfig Owner(string address, string what) =>
            configs.FirstOrDefault(c => Contains(c.Subnet!, address)) ?? throw new CliStatusException(1, $"no matching subnet for {what} {address}");
        foreach (var gateway in gateways)
            Owner(gateway, "gateway").Gateway = gateway;
        foreach (var range in ranges)
            Owner(range.Split('/')[0], "range").IPRange = range;
        foreach (var (key, address) in KeyValues(auxAddresses, "aux-address"))
            (Owner(address, "aux-address").AuxiliaryAddresses ??= [])[key] = address;
        return configs;
    }

    private static bool Contains(string subnet, string address) =>
        System.Net.IPNetwork.TryParse(subnet, out var network) && System.Net.IPAddress.TryParse(address, out var ip) && network.Contains(ip);

    private static Dictionary<string, string> KeyValues(string[] values, string flag) => values.ToDictionary(
        v => v.Split('=', 2)[0],
        v => v.Contains('=') ? v.Split('=', 2)[1] : throw new CliStatusException(125, $"invalid argument \"{v}\" for \"--{flag}\" flag: expected key=value"));

    private static Command BuildRemove()
    {
        var command = new Command("rm", "Remove one or more networks");
        command.Aliases.Add("remove");
        var force = new Option<bool>("--force", "-f") { Description = "Do not error if the network does not exist" };
        var names = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(force);
        command.Arguments.Add(names);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var failed = false;
            foreach (var name in result.GetValue(names)!)
            {
                try
                {
                    await context.Client.RemoveNetworkAsync(name, cancellationToken).ConfigureAwait(false);
                    context.Out.WriteLine(name);
                }
                catch (EngineApiException e) when (!(result.GetValue(force) && e.StatusCode == System.Net.HttpStatusCode.NotFound))
                {
                    context.Err.WriteLine(CliErrors.DaemonMessage(e));
                    failed = true;
                }
                catch (EngineApiException)
                {
                    // --force: a missing network is not an error.
                }
            }
            return failed ? 1 : 0;
        });
        return command;
    }

    private static Command BuildInspect()
    {
        var command = new Command("inspect", "Display detailed information on one or more networks");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template ('json' or a Go template)" };
        var names = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        command.Options.Add(format);
        command.Arguments.Add(names);
        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var found = new List<string>();
            var errors = new List<string>();
            foreach (var name in result.GetValue(names)!)
            {
                try
                {
                    var raw = await context.Client.GetRawJsonAsync($"/networks/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false);
                    found.Add(raw.GetRawText());
                }
                catch (EngineApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    errors.Add($"Error response from daemon: network {name} not found");
                }
            }
            var templateText = result.GetValue(format);
            var output = new StringBuilder();
            if (templateText is null or "")
            {
                output.Append(JsonIndent.Indent("[" + string.Join(",", found) + "]", "", "    ")).Append('\n');
            }
            else
            {
                var template = templateText == "json" ? null : GoTemplate.Parse(TableOutput.Prepare(templateText), missingKeyIsError: true);
                foreach (var raw in found)
                    output.Append(template is null ? raw : template.Execute(JsonNode.Parse(raw))).Append('\n');
            }
            context.Out.Write(output.ToString());
            if (errors.Count == 0)
                return 0;
            throw new CliStatusException(1, string.Join("\n", errors));
        });
        return command;
    }
}
