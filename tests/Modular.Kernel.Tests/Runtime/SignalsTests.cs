using Modular.Kernel.Runtime;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Runtime;

public sealed class SignalsTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("15", 15)]
    [InlineData("kill", 9)]
    [InlineData("sigkill", 9)]
    [InlineData("SIGHUP", 1)]
    [InlineData("USR1", 10)]
    [InlineData("SIGUSR2", 12)]
    [InlineData("SIGQUIT", 3)]
    [InlineData("WINCH", 28)]
    [InlineData("SIGIOT", 6)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("RTMIN+3", 37)]
    [InlineData("SIGRTMIN+15", 49)]
    [InlineData("RTMAX-14", 50)]
    [InlineData("RTMAX-1", 63)]
    [InlineData("SIGRTMAX", 64)]
    [InlineData("64", 64)]
    public void Parses_every_form_docker_accepts(string signal, int number) =>
        Assert.Equal(number, Signals.Parse(signal, fallback: -1));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_signal_means_the_fallback(string? signal) =>
        Assert.Equal(Signals.Term, Signals.Parse(signal, Signals.Term));

    [Theory]
    [InlineData("SIGFOO")]
    [InlineData("SIG")]
    [InlineData("0")]
    [InlineData("-9")]
    [InlineData("65")]
    [InlineData("TERM ")]
    public void Refuses_what_is_not_a_signal(string signal)
    {
        var error = Assert.Throws<DriverException>(() => Signals.Parse(signal, Signals.Term));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"Invalid signal: {signal}", error.Message);
    }

    [Theory]
    [InlineData("RTMIN+16")]
    [InlineData("RTMIN+99")]
    [InlineData("RTMINX")]
    [InlineData("RTMAX+1")]
    [InlineData("RTMAX-15")]
    public void Refuses_real_time_names_outside_dockers_table(string signal)
    {
        // moby/sys/signal's SignalMap knows RTMIN, RTMIN+1..+15, RTMAX-14..-1 and RTMAX, nothing else.
        var error = Assert.Throws<DriverException>(() => Signals.Parse(signal, Signals.Term));

        Assert.Equal($"Invalid signal: {signal}", error.Message);
    }
}
