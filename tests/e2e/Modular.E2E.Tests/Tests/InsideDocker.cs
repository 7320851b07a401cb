using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>What the Inside* tests share: a running container to work in, and the docker CLI as a terminal command.</summary>
internal static class InsideDocker
{
    /// <summary>`docker run -d --name name [options] busybox command...`; fails the test unless it starts. Returns the ID.</summary>
    public static async Task<string> RunDetachedAsync(this PrivateDaemon daemon, string name, string[] options, params string[] command)
    {
        var run = await daemon.Docker(["run", "-d", "--name", name, .. options, "busybox", .. command]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim();
    }

    public static Task<string> RunSleeperAsync(this PrivateDaemon daemon, string name) =>
        daemon.RunDetachedAsync(name, [], "sleep", "300");

    /// <summary>
    /// The docker CLI pointed at this daemon as an argv for a terminal (tmux runs it, not CommandRunner): the same
    /// environment PrivateDaemon gives the CLI, including its private config folder.
    /// </summary>
    public static string[] DockerCommandLine(this PrivateDaemon daemon, params string[] arguments) =>
    [
        "env", "-u", "DOCKER_CONTEXT", "-u", "DOCKER_API_VERSION",
        "DOCKER_HOST=" + daemon.Host,
        "DOCKER_CONFIG=" + Path.Combine(daemon.Root, "docker-config"),
        "DOCKER_CLI_HINTS=false",
        RepoLayout.DockerCli, .. arguments,
    ];

    public static async Task<string> InspectAsync(this PrivateDaemon daemon, string name, string template)
    {
        var inspect = await daemon.Docker("inspect", "--format", template, name);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        return inspect.Stdout.TrimEnd('\n');
    }

    /// <summary>The "message" of an Engine API error body, or the whole body if it is not one.</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? "" : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
