using Modular.E2E.Tests.Harness;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// What the build tests share: a context folder per test, the docker CLI with DOCKER_BUILDKIT=0 (the classic builder)
/// against a private daemon, and clean-up of every image a test tagged.
/// </summary>
public sealed class BuildSession(PrivateDaemon daemon) : IAsyncDisposable
{
    private readonly string _folder = TempRoot.Create();
    private readonly string _dockerConfig = TempRoot.Create();
    private readonly List<string> _images = [];

    /// <summary>Writes the files (relative path → content) into a fresh context folder and returns it.</summary>
    public string Context(params (string Path, string Content)[] files)
    {
        var context = Path.Combine(_folder, "ctx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(context);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(context, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return context;
    }

    public string Folder => _folder;

    /// <summary>A tag unique to this run, removed at the end.</summary>
    public string Tag(string name)
    {
        var tag = $"build-e2e-{name}-{Guid.NewGuid().ToString("N")[..6]}";
        _images.Add(tag);
        return tag;
    }

    public Task<CommandResult> Build(params string[] arguments) => Classic(null, ["build", .. arguments]);

    public Task<CommandResult> BuildWithInput(string input, params string[] arguments) => Classic(input, ["build", .. arguments]);

    /// <summary><c>docker build</c> with a file (binary, e.g. a tar) as its stdin, through a shell redirection.</summary>
    public Task<CommandResult> BuildFromFile(string stdinFile, params string[] arguments) =>
        CommandRunner.RunAsync("/bin/sh", ["-c", "exec \"$0\" build \"$@\" < \"$BUILD_STDIN\"", RepoLayout.DockerCli, .. arguments],
            ClassicEnvironment(new() { ["BUILD_STDIN"] = stdinFile }), null, TimeSpan.FromMinutes(3));

    /// <summary>Any docker command with the classic builder's environment.</summary>
    public Task<CommandResult> Classic(string? input, params string[] arguments) =>
        CommandRunner.RunAsync(RepoLayout.DockerCli, arguments, ClassicEnvironment([]), input, TimeSpan.FromMinutes(3));

    private Dictionary<string, string?> ClassicEnvironment(Dictionary<string, string?> extra) =>
        new Dictionary<string, string?>(extra)
        {
            ["DOCKER_HOST"] = daemon.Host,
            ["DOCKER_CONFIG"] = _dockerConfig,
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
            ["DOCKER_CLI_HINTS"] = "false",
            ["DOCKER_BUILDKIT"] = "0",
        };

    /// <summary>Ids of all containers, running or not (a build must leave none behind).</summary>
    public async Task<string> AllContainers() => (await daemon.Docker("ps", "-aq", "--no-trunc")).Stdout;

    public async ValueTask DisposeAsync()
    {
        foreach (var image in _images)
        {
            await daemon.Docker("rmi", "-f", image);
        }
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_dockerConfig, recursive: true);
    }
}
