namespace Modular.E2E.Tests.Harness;

/// <summary>Where the built engine, the image scripts and the reference CLI are, relative to the repository.</summary>
public static class RepoLayout
{
    /// <summary>The repository root: MODULAR_REPO_ROOT, else the first ancestor of the test binary holding Modular.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The published engine binaries: MODULAR_BIN, else artifacts/bin (what setup.sh --build-only produces).</summary>
    public static string BinDirectory =>
        Environment.GetEnvironmentVariable("MODULAR_BIN") is { Length: > 0 } bin ? bin : Path.Combine(Root, "artifacts", "bin");

    public static string Daemon => Path.Combine(BinDirectory, "modulard");

    public static string Cli => Path.Combine(BinDirectory, "modular");

    public static string BusyboxScript => Path.Combine(Root, "contrib", "mkimage", "busybox.sh");

    /// <summary>The docker CLI the tests drive: MODULAR_E2E_DOCKER, else `docker` from PATH.</summary>
    public static string DockerCli =>
        Environment.GetEnvironmentVariable("MODULAR_E2E_DOCKER") is { Length: > 0 } docker ? docker : "docker";

    /// <summary>Parent of every daemon's temp root: MODULAR_E2E_TMPDIR (test.sh sweeps it afterwards), else /tmp.</summary>
    public static string TempParent =>
        Environment.GetEnvironmentVariable("MODULAR_E2E_TMPDIR") is { Length: > 0 } parent ? parent : "/tmp";

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("MODULAR_REPO_ROOT") is { Length: > 0 } explicitRoot)
        {
            return explicitRoot;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Modular.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException(
            $"no Modular.sln above {AppContext.BaseDirectory}; set MODULAR_REPO_ROOT to the repository root");
    }
}
