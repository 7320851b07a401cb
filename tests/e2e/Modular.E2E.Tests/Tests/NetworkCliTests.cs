using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The modular CLI's network connect, disconnect, prune and ls --filter print and exit as the docker CLI does on the same daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class NetworkCliTests(PrivateDaemon daemon) : IAsyncLifetime
{
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_containers.Count > 0)
            await daemon.Docker(["rm", "-f", .. _containers]);
        foreach (var network in _networks)
            await daemon.Docker("network", "rm", network);
    }

    [Fact]
    public async Task ConnectAndDisconnectSucceedSilentlyAndFailLikeDocker()
    {
        var network = await Network("clinet", "--subnet", "10.219.7.0/24");
        var container = await Sleeper("cliconn");

        var connect = await daemon.Modular("network", "connect", "--alias", "cli-alias", "--ip", "10.219.7.40", network, container);
        var settings = await daemon.Docker("inspect", "--format",
            $"{{{{with index .NetworkSettings.Networks \"{network}\"}}}}{{{{.IPAddress}}}} {{{{.Aliases}}}}{{{{end}}}}", container);
        Assert.True(connect.ExitCode == 0, connect.ToString());
        Assert.Equal("", connect.Stdout + connect.Stderr);
        Assert.StartsWith("10.219.7.40 [", settings.Stdout);
        Assert.Contains("cli-alias", settings.Stdout);

        await SameAsDocker("network", "connect", network, container);
        await SameAsDocker("network", "connect", Names.Unique("nonet"), container);
        await SameAsDocker("network", "connect", network, Names.Unique("nocontainer"));
        await SameAsDocker("network", "connect", "--driver-opt", "novalue", network, container);

        var disconnect = await daemon.Modular("network", "disconnect", network, container);
        var remaining = await daemon.Docker("inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", container);
        Assert.True(disconnect.ExitCode == 0, disconnect.ToString());
        Assert.Equal("", disconnect.Stdout + disconnect.Stderr);
        Assert.DoesNotContain(network, remaining.Stdout);

        await SameAsDocker("network", "disconnect", network, container);
        await SameAsDocker("network", "disconnect", "-f", network, container);
        await SameAsDocker("network", "disconnect", Names.Unique("nonet"), container);
    }

    [Fact]
    public async Task ConnectWithTheWrongNumberOfArgumentsIsAUsageErrorLikeDocker()
    {
        var modular = await daemon.Modular("network", "connect", "onlyone");
        var docker = await daemon.Docker("network", "connect", "onlyone");

        Assert.Equal(docker.ExitCode, modular.ExitCode);
        Assert.StartsWith("modular: 'modular network connect' requires 2 arguments\n", modular.Stderr);
        Assert.StartsWith("docker: 'docker network connect' requires 2 arguments\n", docker.Stderr);
    }

    [Fact]
    public async Task PruneRemovesOnlyUnusedNetworksAndPrintsWhatDockerPrints()
    {
        var label = "netcli.prune=" + Names.Unique("p");
        var modularUnused = await Network("pruneidle", "--label", label);
        var dockerUnused = await Network("pruneidle", "--label", label + "-docker");
        var used = await Network("pruneused", "--label", label);
        await Sleeper("pruneuser", "--network", used);

        var declined = await ModularWithInput("n\n", "network", "prune", "--filter", "label=" + label);
        var dockerDeclined = await daemon.DockerWithInput("n\n", "network", "prune", "--filter", "label=" + label + "-docker");
        Assert.Equal(dockerDeclined.ExitCode, declined.ExitCode);
        Assert.Equal(dockerDeclined.Stdout, declined.Stdout);
        Assert.Equal("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ",
            declined.Stdout);
        Assert.Contains(modularUnused, (await daemon.Docker("network", "ls", "--format", "{{.Name}}")).Stdout);

        var pruned = await ModularWithInput("y\n", "network", "prune", "--filter", "label=" + label);
        var dockerPruned = await daemon.Docker("network", "prune", "-f", "--filter", "label=" + label + "-docker");
        var names = (await daemon.Docker("network", "ls", "--format", "{{.Name}}")).Stdout;
        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        Assert.True(dockerPruned.ExitCode == 0, dockerPruned.ToString());
        Assert.Equal($"Deleted Networks:\n{dockerUnused}\n\n", dockerPruned.Stdout);
        Assert.EndsWith($"[y/N] Deleted Networks:\n{modularUnused}\n\n", pruned.Stdout);
        Assert.DoesNotContain(modularUnused, names);
        Assert.Contains(used, names);

        await SameAsDocker("network", "prune", "-f", "--filter", "label=" + label);
        await SameAsDocker("network", "prune", "-f", "--filter", "nosuchkey=1");
    }

    [Fact]
    public async Task ListFiltersMatchDocker()
    {
        var label = "netcli.ls=" + Names.Unique("l");
        var first = await Network("lsone", "--label", label);
        await Network("lstwo", "--label", label, "--internal");

        await SameAsDocker("network", "ls", "--filter", "label=" + label, "--format", "{{.Name}} {{.Driver}} {{.Scope}}");
        await SameAsDocker("network", "ls", "--filter", "name=" + first, "-q");
        await SameAsDocker("network", "ls", "--filter", "driver=bridge", "--filter", "label=" + label, "--format", "{{.Name}}");
        await SameAsDocker("network", "ls", "--filter", "nosuchkey=1");
        Assert.Contains(first, (await daemon.Modular("network", "ls", "--filter", "label=" + label)).Stdout);
    }

    private async Task SameAsDocker(params string[] arguments)
    {
        var modular = await daemon.Modular(arguments);
        var docker = await daemon.Docker(arguments);
        Assert.True(docker.ExitCode == modular.ExitCode, $"{docker}\n{modular}");
        Assert.Equal(docker.Stdout, modular.Stdout);
        Assert.Equal(docker.Stderr, modular.Stderr);
    }

    // The harness feeds stdin only to docker; the prompt needs the same for modular.
    private Task<CommandResult> ModularWithInput(string input, params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.Cli, ["-H", daemon.Host, .. arguments], new Dictionary<string, string?> { ["MODULAR_HOST"] = daemon.Host }, input);

    private async Task<string> Network(string prefix, params string[] flags)
    {
        var name = Names.Unique(prefix);
        var create = await daemon.Docker(["network", "create", .. flags, name]);
        Assert.True(create.ExitCode == 0, create.ToString());
        _networks.Add(name);
        return name;
    }

    private async Task<string> Sleeper(string prefix, params string[] flags)
    {
        var name = Names.Unique(prefix);
        var run = await daemon.Docker(["run", "-d", "--name", name, .. flags, "busybox", "sleep", "300"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        _containers.Add(name);
        return name;
    }
}
