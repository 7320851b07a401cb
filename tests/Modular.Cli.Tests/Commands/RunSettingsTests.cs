using System.CommandLine;
using Modular.Cli.Commands;
using Xunit;

namespace Modular.Cli.Tests.Commands;

public sealed class RunSettingsTests
{
    private static readonly Func<string, string?> Environment = name => name switch { "HOME" => "/root", "Z" => "zz", _ => null };

    /// <summary>Parses a run command line through the real command tree, including the interspersed-flags rule.</summary>
    private static RunSettings Parse(params string[] args)
    {
        var root = CliApplication.BuildRoot();
        var prepared = InterspersedArguments.Prepare(root, ["run", .. args]);
        Assert.Null(prepared.Error);
        var result = root.Parse(prepared.Arguments);
        Assert.Empty(result.Errors);
        var run = root.Subcommands.Single(c => c.Name == "run");
        var flags = new RunFlags();
        // Read through a fresh flag set bound to a fresh command so values come from this parse.
        var command = new Command("run");
        flags.AddTo(command);
        var positional = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(positional);
        var own = command.Parse(prepared.Arguments[1..]);
        Assert.Empty(own.Errors);
        Assert.Equal("run", run.Name);
        return flags.Read(own, own.GetValue(positional)!);
    }

    [Fact]
    public void Flags_after_the_image_belong_to_the_command()
    {
        var settings = Parse("--rm", "-it", "--name", "web", "busybox", "ls", "-la", "--rm");

        Assert.Equal("busybox", settings.Image);
        Assert.Equal(["ls", "-la", "--rm"], settings.Command);
        Assert.True(settings.Remove && settings.Interactive && settings.Tty);
        Assert.Equal("web", settings.Name);
    }

    [Fact]
    public void Create_request_carries_flags_the_way_docker_does()
    {
        var settings = Parse("-i", "-e", "A=1", "-e", "HOME", "-e", "UNSET", "-l", "x=y", "-l", "flag", "-w", "/tmp", "-u", "1:2",
            "-h", "box", "--network", "none", "--runtime", "crun", "--log-driver", "none", "--log-opt", "k=v", "--rm", "busybox");
        var request = CreateRequestBuilder.Build(settings, Environment, _ => "");

        Assert.Equal(["A=1", "HOME=/root", "UNSET"], request.Env);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y", ["flag"] = "" }, request.Labels);
        Assert.Equal(("/tmp", "1:2", "box"), (request.WorkingDir, request.User, request.Hostname));
        Assert.True(request.OpenStdin && request.AttachStdin && request.StdinOnce && request.AttachStdout && request.AttachStderr);
        Assert.Null(request.Cmd);
        Assert.Null(request.Entrypoint);
        var host = request.HostConfig!;
        Assert.True(host.AutoRemove);
        Assert.Equal(("none", "crun", "none"), (host.NetworkMode, host.Runtime, host.LogConfig.Type));
        Assert.Equal("v", host.LogConfig.Config!["k"]);
    }

    [Fact]
    public void Detach_attaches_nothing_and_attach_selects_streams()
    {
        var detached = CreateRequestBuilder.Build(Parse("-d", "-i", "busybox"), Environment, _ => "");
        Assert.False(detached.AttachStdin || detached.AttachStdout || detached.AttachStderr || detached.StdinOnce);
        Assert.True(detached.OpenStdin);

        var onlyStdout = CreateRequestBuilder.Build(Parse("-a", "STDOUT", "busybox"), Environment, _ => "");
        Assert.True(onlyStdout.AttachStdout);
        Assert.False(onlyStdout.AttachStderr || onlyStdout.AttachStdin);

        var conflict = Assert.Throws<CliStatusException>(() => CreateRequestBuilder.Build(Parse("-d", "-a", "stdout", "busybox"), Environment, _ => ""));
        Assert.Equal("Conflicting options: -a and -d", conflict.Message);
        Assert.Throws<CliStatusException>(() => CreateRequestBuilder.Build(Parse("-a", "stdio", "busybox"), Environment, _ => ""));
    }

    [Fact]
    public void Empty_entrypoint_resets_the_images_entrypoint()
    {
        Assert.Equal([""], CreateRequestBuilder.Build(Parse("--entrypoint", "", "busybox"), Environment, _ => "").Entrypoint);
        Assert.Equal(["sh"], CreateRequestBuilder.Build(Parse("--entrypoint", "sh", "busybox"), Environment, _ => "").Entrypoint);
    }

    [Fact]
    public void Env_file_lines_come_before_e_flags()
    {
        var settings = Parse("--env-file", "vars", "-e", "LAST=1", "busybox");
        var request = CreateRequestBuilder.Build(settings, Environment, _ => "\uFEFFX=1\n# comment\n\n  Y=a b \r\nZ\nMISSING\n");
        Assert.Equal(["X=1", "Y=a b ", "Z=zz", "LAST=1"], request.Env);
    }

    [Fact]
    public void Env_file_with_whitespace_in_a_name_is_refused_with_dockers_message()
    {
        var error = Assert.Throws<CliStatusException>(() => EnvFile.Parse("vars", "A B=1\n", Environment));
        Assert.Equal("invalid env file (vars): variable 'A B' contains whitespaces", error.Message);
    }

    [Fact]
    public void Unimplemented_docker_flags_are_recognised_and_unknown_ones_rejected()
    {
        var root = CliApplication.BuildRoot();
        Assert.Equal("unknown flag: --bogus", InterspersedArguments.Prepare(root, ["run", "--bogus", "busybox"]).Error);
        Assert.Equal("unknown shorthand flag: 'x' in -x", InterspersedArguments.Prepare(root, ["ps", "-x"]).Error);
        Assert.Null(InterspersedArguments.Prepare(root, ["run", "-p", "80:80", "busybox"]).Error);
        Assert.Null(InterspersedArguments.Prepare(root, ["-H", "unix:///x.sock", "network", "ls", "-q"]).Error);
    }
}
