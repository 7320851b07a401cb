using System.Diagnostics;

namespace Modular.Kernel.Tests.Networks.Dns;

/// <summary>A network namespace of the test's own (ip netns add), loopback up; deleted on dispose.</summary>
internal sealed class TestNamespace : IDisposable
{
    private TestNamespace(string name) => Name = name;

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    public static TestNamespace Create()
    {
        var name = $"mdnst-{Environment.ProcessId}-{Guid.NewGuid():N}"[..20];
        Run("ip", "netns", "add", name);
        var created = new TestNamespace(name);
        try
        {
            Run("ip", "-n", name, "link", "set", "lo", "up");
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    public void Dispose() => Run("ip", "netns", "delete", Name);

    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
        return output.GetAwaiter().GetResult();
    }
}
