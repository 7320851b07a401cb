using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// What an image test leaves on the shared daemon and on disk: busybox containers and uniquely named tags it made,
/// and a folder for archives; all removed on dispose (containers first, images newest first).
/// </summary>
public sealed class ImageTestScratch(PrivateDaemon daemon) : IAsyncDisposable
{
    private readonly List<string> _containers = [];
    private readonly List<string> _images = [];

    /// <summary>A fresh folder of the test's own.</summary>
    public string Folder { get; } = TempRoot.Create();

    /// <summary>A tag unique to this run (<c>&lt;stem&gt;-&lt;random&gt;:1</c>), removed at the end.</summary>
    public string Image(string stem)
    {
        var tag = Names.Unique(stem) + ":1";
        _images.Add(tag);
        return tag;
    }

    /// <summary>Removes <paramref name="image"/> at the end, for an image the test names itself.</summary>
    public void RemoveLater(string image) => _images.Add(image);

    /// <summary>Removes the container <paramref name="container"/> at the end, for one the test runs itself.</summary>
    public void RemoveContainerLater(string container) => _containers.Add(container);

    /// <summary>
    /// <c>docker run</c>s busybox with <paramref name="arguments"/> as its command (a leading <c>-d</c> detaches it)
    /// under a unique name, without a network, and returns the name; fails the test when the run fails.
    /// </summary>
    public async Task<string> Run(string stem, params string[] arguments)
    {
        var name = Names.Unique(stem);
        _containers.Add(name);
        var detached = arguments.Length > 0 && arguments[0] == "-d";
        string[] command = detached
            ? ["run", "-d", "--name", name, "--network", "none", "busybox", .. arguments[1..]]
            : ["run", "--name", name, "--network", "none", "busybox", .. arguments];
        await MustSucceed(daemon.Docker(command));
        return name;
    }

    /// <summary>Fails the test, with the command's whole output, unless it exits 0.</summary>
    public static async Task MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await daemon.Docker("rm", "-f", container);
        }
        foreach (var image in Enumerable.Reverse(_images))
        {
            await daemon.Docker("rmi", "-f", image);
        }
        Directory.Delete(Folder, recursive: true);
    }
}
