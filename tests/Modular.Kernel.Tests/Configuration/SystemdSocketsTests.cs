using Modular.Kernel.Configuration;
using Xunit;

namespace Modular.Kernel.Tests.Configuration;

/// <summary>Changes this process's LISTEN_* variables; nothing else in the kernel reads them.</summary>
public sealed class SystemdSocketsTests : IDisposable
{
    private readonly string? _pid = Environment.GetEnvironmentVariable("LISTEN_PID");
    private readonly string? _fds = Environment.GetEnvironmentVariable("LISTEN_FDS");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("LISTEN_PID", _pid);
        Environment.SetEnvironmentVariable("LISTEN_FDS", _fds);
    }

    [Fact]
    public void Sockets_passed_to_this_process_start_at_descriptor_3()
    {
        Environment.SetEnvironmentVariable("LISTEN_PID", Environment.ProcessId.ToString());
        Environment.SetEnvironmentVariable("LISTEN_FDS", "2");

        Assert.Equal([3, 4], SystemdSockets.Inherited());
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("1", "1")]
    [InlineData("self", "0")]
    [InlineData("self", null)]
    public void Sockets_meant_for_another_process_or_none_are_refused(string? pid, string? fds)
    {
        Environment.SetEnvironmentVariable("LISTEN_PID", pid == "self" ? Environment.ProcessId.ToString() : pid);
        Environment.SetEnvironmentVariable("LISTEN_FDS", fds);

        var error = Assert.Throws<ConfigurationException>(SystemdSockets.Inherited);

        Assert.StartsWith("hosts: fd:// was given but systemd passed no sockets", error.Message);
    }
}
