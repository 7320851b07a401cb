using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modular.Api.Client;
using Modular.Api.Formatting;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Cli.Templates;

namespace Modular.Cli.Commands;

/// <summary><c>modular version</c> and <c>modular info</c>, laid out as docker prints them.</summary>
internal static class SystemCommands
{
    public static Command BuildVersion()
    {
        var command = new Command("version", "Show the Modular version information");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template" };
        command.Options.Add(format);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            VersionResponse? server = null;
            Exception? failure = null;
            try
            {
                server = await context.Client.VersionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is EngineApiException or EngineUnreachableException)
            {
                failure = e;
            }

            var client = ClientVersion(context.Client);
            if (result.GetValue(format) is { Length: > 0 } template)
            {
                var data = new JsonObject
                {
                    ["Client"] = client,
                    ["Server"] = server is null ? null : JsonNode.Parse(JsonSerializer.Serialize(server, ApiJson.Default.VersionResponse)),
                };
                context.Out.WriteLine(GoTemplate.Parse(Formatting.TableOutput.Prepare(template)).Execute(data));
            }
            else
            {
                context.Out.Write(RenderVersion(client, server));
            }
            if (failure is not null)
                throw failure;
            return 0;
        });
        return command;
    }

    private static JsonObject ClientVersion(EngineClient client) => new()
    {
        ["Platform"] = new JsonObject { ["Name"] = "" },
        ["Version"] = CliVersion.Version,
        ["ApiVersion"] = client.ApiVersion ?? EngineClient.MaxApiVersion,
        ["DefaultAPIVersion"] = EngineClient.MaxApiVersion,
        ["GitCommit"] = CliVersion.Commit,
        ["GoVersion"] = ".NET " + Environment.Version,
        ["Os"] = "linux",
        ["Arch"] = GoArch(),
    };

    /// <summary>docker shows build times in Go's ANSIC layout ("Thu May  7 21:09:36 2026") when they parse as RFC 3339.</summary>
    internal static string? AnsiDate(string? value)
    {
        if (!DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var moment))
            return value;
        var day = moment.Day.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(2);
        return moment.ToString($"ddd MMM '{day}' HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static string GoArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string RenderVersion(JsonObject client, VersionResponse? server)
    {
        var apiVersion = (string)client["ApiVersion"]!;
        var defaultVersion = (string)client["DefaultAPIVersion"]!;
        var text = new StringBuilder();
        text.Append("Client:\n");
        text.Append($" Version:           {client["Version"]}\n");
        text.Append($" API version:       {apiVersion}{(apiVersion != defaultVersion ? $" (downgraded from {defaultVersion})" : "")}\n");
        text.Append($" Runtime version:   {client["GoVersion"]}\n");
        text.Append($" Git commit:        {client["GitCommit"]}\n");
        text.Append($" OS/Arch:           {client["Os"]}/{client["Arch"]}\n");
        if (server is null)
            return text.ToString();

        text.Append('\n').Append(server.Platform is { Name.Length: > 0 } platform ? $"Server: {platform.Name}\n" : "Server:\n");
        foreach (var component in server.Components ?? [])
        {
            var details = component.Details ?? [];
            text.Append($" {component.Name}:\n");
            if (component.Name == "Engine")
            {
                text.Append($"  Version:          {component.Version}\n");
                text.Append($"  API version:      {details.GetValueOrDefault("ApiVersion")} (minimum version {details.GetValueOrDefault("MinAPIVersion")})\n");
                text.Append($"  Go version:       {details.GetValueOrDefault("GoVersion")}\n");
                text.Append($"  Git commit:       {details.GetValueOrDefault("GitCommit")}\n");
                text.Append($"  Built:            {AnsiDate(details.GetValueOrDefault("BuildTime"))}\n");
                text.Append($"  OS/Arch:          {details.GetValueOrDefault("Os")}/{details.GetValueOrDefault("Arch")}\n");
                text.Append($"  Experimental:     {details.GetValueOrDefault("Experimental")}\n");
                continue;
            }
            text.Append($"  Version:          {component.Version}\n");
            foreach (var (key, value) in details.OrderBy(d => d.Key, StringComparer.Ordinal))
                text.Append($"  {(key + ":").PadRight(17)} {value}\n");
        }
        return text.ToString();
    }

    public static Command BuildInfo()
    {
        var command = new Command("info", "Display system-wide information");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template" };
        command.Options.Add(format);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var raw = await context.Client.GetRawJsonAsync("/info", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(format) is { Length: > 0 } template)
            {
                context.Out.WriteLine(template == "json"
                    ? raw.GetRawText()
                    : GoTemplate.Parse(Formatting.TableOutput.Prepare(template)).Execute(JsonNode.Parse(raw.GetRawText())));
                return 0;
            }
            var info = raw.Deserialize(ApiJson.Default.SystemInfo)!;
            context.Out.Write(RenderInfo(info, context.Debug));
            foreach (var warning in info.Warnings ?? [])
                context.Err.WriteLine(warning);
            return 0;
        });
        return command;
    }

    internal static string RenderInfo(SystemInfo info, bool clientDebug)
    {
        var text = new StringBuilder();
        text.Append("Client:\n");
        text.Append($" Version:    {CliVersion.Version}\n");
        text.Append($" Debug Mode: {(clientDebug ? "true" : "false")}\n");
        text.Append("\nServer:\n");
        text.Append($" Containers: {info.Containers}\n");
        text.Append($"  Running: {info.ContainersRunning}\n");
        text.Append($"  Paused: {info.ContainersPaused}\n");
        text.Append($"  Stopped: {info.ContainersStopped}\n");
        text.Append($" Images: {info.Images}\n");
        text.Append($" Server Version: {info.ServerVersion}\n");
        text.Append($" Storage Driver: {info.Driver}\n");
        foreach (var pair in info.DriverStatus ?? [])
            if (pair.Count == 2)
                text.Append($"  {pair[0]}: {pair[1]}\n");
        text.Append($" Logging Driver: {info.LoggingDriver}\n");
        text.Append($" Cgroup Driver: {info.CgroupDriver}\n");
        if (info.CgroupVersion is { Length: > 0 } cgroupVersion)
            text.Append($" Cgroup Version: {cgroupVersion}\n");
        text.Append(" Plugins:\n");
        AppendList(text, "  Volume:", info.Plugins.Volume);
        AppendList(text, "  Network:", info.Plugins.Network);
        if (info.Plugins.Authorization is { Count: > 0 })
            AppendList(text, "  Authorization:", info.Plugins.Authorization);
        AppendList(text, "  Log:", info.Plugins.Log);
        text.Append($" Swarm: {info.Swarm.LocalNodeState}\n");
        text.Append(" Runtimes:").Append(string.Concat((info.Runtimes ?? []).Keys.Order(StringComparer.Ordinal).Select(k => " " + k))).Append('\n');
        text.Append($" Default Runtime: {info.DefaultRuntime}\n");
        text.Append($" Init Binary: {info.InitBinary}\n");
        text.Append($" containerd version: {info.ContainerdCommit.ID}\n");
        text.Append($" runc version: {info.RuncCommit.ID}\n");
        text.Append($" init version: {info.InitCommit.ID}\n");
        if (info.SecurityOptions is { Count: > 0 } securityOptions)
        {
            text.Append(" Security Options:\n");
            foreach (var option in securityOptions)
            {
                var fields = option.Split(',').Select(f => f.Split('=', 2)).ToList();
                foreach (var field in fields)
                {
                    if (field is ["name", var name])
                        text.Append($"  {name}\n");
                    else if (field is [var key, var value])
                        text.Append($"   {char.ToUpperInvariant(key[0])}{key[1..]}: {value}\n");
                }
            }
        }
        text.Append($" Kernel Version: {info.KernelVersion}\n");
        text.Append($" Operating System: {info.OperatingSystem}\n");
        text.Append($" OSType: {info.OSType}\n");
        text.Append($" Architecture: {info.Architecture}\n");
        text.Append($" CPUs: {info.NCPU}\n");
        text.Append($" Total Memory: {BinarySize(info.MemTotal)}\n");
        text.Append($" Name: {info.Name}\n");
        text.Append($" ID: {info.ID}\n");
        text.Append($" Docker Root Dir: {info.DockerRootDir}\n");
        text.Append($" Debug Mode: {(info.Debug ? "true" : "false")}\n");
        text.Append($" Experimental: {(info.ExperimentalBuild ? "true" : "false")}\n");
        if (info.RegistryConfig?.InsecureRegistryCIDRs is { Count: > 0 } insecure)
        {
            text.Append(" Insecure Registries:\n");
            foreach (var cidr in insecure)
                text.Append($"  {cidr}\n");
        }
        text.Append($" Live Restore Enabled: {(info.LiveRestoreEnabled ? "true" : "false")}\n\n");
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string label, List<string>? items) =>
        text.Append(label).Append(string.Concat((items ?? []).Select(i => " " + i))).Append('\n');

    /// <summary>go-units BytesSize: binary units with two decimals ("23.54GiB").</summary>
    internal static string BinarySize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return GoFormat.G(size, 4) + units[unit];
    }
}
