using Modular.Kernel.Build.Dockerfile;
using Xunit;

namespace Modular.Kernel.Tests.Build;

public sealed class DockerfileParserTests
{
    private static IReadOnlyList<Instruction> Parse(string text) => DockerfileParser.Parse(text).Instructions;

    private static void AssertShell(string text, CommandLine? command)
    {
        Assert.NotNull(command);
        Assert.False(command.IsExecForm);
        Assert.Equal(text, command.ShellText);
    }

    private static string ParseError(string text) => Assert.Throws<DockerfileException>(() => DockerfileParser.Parse(text)).Message;

    [Fact]
    public void Parses_every_instruction_into_its_kind()
    {
        var instructions = Parse("""
            FROM --platform=linux/amd64 busybox:1.36 AS base
            RUN echo hi > /x
            CMD ["cat", "/x"]
            LABEL a=b "c d"="e f"
            EXPOSE 80 53/udp
            ENV A=1 B="two words"
            ADD --chown=1:2 --chmod=600 a.tar /srv/
            COPY --from=base /x /y
            ENTRYPOINT ["/bin/sh"]
            VOLUME ["/data", "/logs"]
            USER nobody
            WORKDIR /app
            ARG VERSION=1.0
            ONBUILD RUN echo triggered
            STOPSIGNAL SIGINT
            HEALTHCHECK --interval=5s --retries=2 CMD wget -q localhost
            SHELL ["/bin/bash", "-c"]
            MAINTAINER someone
            """);

        Assert.Equal(
            ["FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG",
             "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER"],
            instructions.Select(i => i.Name));
        var from = Assert.IsType<FromInstruction>(instructions[0]);
        Assert.Equal(("busybox:1.36", "base", "linux/amd64"), (from.Image, from.StageName, from.Platform));
        AssertShell("echo hi > /x", Assert.IsType<RunInstruction>(instructions[1]).Command);
        var cmd = Assert.IsType<CmdInstruction>(instructions[2]).Command;
        Assert.True(cmd.IsExecForm);
        Assert.Equal(["cat", "/x"], cmd.Arguments);
        Assert.Equal([new KeyValue("a", "b"), new KeyValue("\"c d\"", "\"e f\"")], Assert.IsType<LabelInstruction>(instructions[3]).Labels);
        Assert.Equal(["80", "53/udp"], Assert.IsType<ExposeInstruction>(instructions[4]).Ports);
        var add = Assert.IsType<CopyInstruction>(instructions[6]);
        Assert.Equal((true, "1:2", "600", "/srv/"), (add.IsAdd, add.Chown, add.Chmod, add.Destination));
        Assert.Equal(["a.tar"], add.Sources);
        Assert.Equal("base", Assert.IsType<CopyInstruction>(instructions[7]).From);
        Assert.Equal(["/data", "/logs"], Assert.IsType<VolumeInstruction>(instructions[9]).Volumes);
        var onBuild = Assert.IsType<OnBuildInstruction>(instructions[13]);
        Assert.Equal("RUN echo triggered", onBuild.Expression);
        Assert.IsType<RunInstruction>(onBuild.Trigger);
        var check = Assert.IsType<HealthcheckInstruction>(instructions[15]);
        Assert.Equal((5_000_000_000L, 2), (check.Interval, check.Retries));
        AssertShell("wget -q localhost", check.Command);
        Assert.Equal(["/bin/bash", "-c"], Assert.IsType<ShellInstruction>(instructions[16]).Shell);
    }

    [Fact]
    public void Joins_continuation_lines_and_skips_comments_inside_them()
    {
        var instructions = Parse("FROM busybox\nRUN echo a \\\n# a comment\n\n    && echo b\n# trailing\nCMD x\n");

        var run = Assert.IsType<RunInstruction>(instructions[1]);
        Assert.Equal("echo a     && echo b", run.Command.ShellText);
        Assert.Equal("RUN echo a     && echo b", run.Original);
        Assert.Equal(2, run.Line);
        Assert.Equal(7, instructions[2].Line);
    }

    [Fact]
    public void Escape_directive_changes_the_continuation_character()
    {
        var document = DockerfileParser.Parse("# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo done\n");

        Assert.Equal('`', document.Escape);
        Assert.Equal("dir c:\\   && echo done", Assert.IsType<RunInstruction>(document.Instructions[1]).Command.ShellText);
    }

    [Fact]
    public void Syntax_directive_is_read_and_directives_stop_at_the_first_other_line()
    {
        var document = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# escape=\\\n\n# escape=`\nFROM busybox\n");

        Assert.Equal("docker/dockerfile:1", document.Syntax);
        Assert.Equal('\\', document.Escape);
    }

    [Fact]
    public void Invalid_escape_and_repeated_directives_are_refused()
    {
        Assert.Equal("dockerfile parse error on line 1: invalid escape token 'x' does not match ` or \\", ParseError("# escape=x\nFROM busybox"));
        Assert.Contains("only one escape parser directive", ParseError("# escape=`\n# escape=\\\nFROM busybox"));
    }

    [Fact]
    public void Unknown_instruction_names_its_line_as_docker_does()
    {
        Assert.Equal("dockerfile parse error on line 3: unknown instruction: FOO", ParseError("FROM busybox\nRUN true\nFOO bar\n"));
        Assert.Equal("dockerfile parse error on line 2: unknown instruction: services:", ParseError("\nservices: x\n"));
    }

    [Fact]
    public void Run_heredoc_keeps_its_body_and_consumes_the_lines()
    {
        var instructions = Parse("FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\nCMD [\"true\"]\n");

        var run = Assert.IsType<RunInstruction>(instructions[1]);
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal(new Heredoc("EOF", "echo one\necho two\n", true, false), heredoc);
        Assert.IsType<CmdInstruction>(instructions[2]);
    }

    [Fact]
    public void Heredoc_variants_quote_and_strip_tabs()
    {
        var instructions = Parse("FROM busybox\nCOPY <<'END' /a\n$HOME\nEND\nRUN cat <<-X\n\tindented\n\tX\n");

        var copy = Assert.IsType<CopyInstruction>(instructions[1]);
        Assert.Equal(new Heredoc("END", "$HOME\n", false, false), Assert.Single(copy.Heredocs));
        Assert.Empty(copy.Sources);
        Assert.Equal("/a", copy.Destination);
        Assert.Equal(new Heredoc("X", "indented\n", true, true), Assert.Single(Assert.IsType<RunInstruction>(instructions[2]).Heredocs));
    }

    [Fact]
    public void Unterminated_heredoc_is_an_error_on_its_line()
    {
        Assert.Equal("dockerfile parse error on line 2: unterminated heredoc EOF", ParseError("FROM busybox\nRUN <<EOF\necho never ends\n"));
    }

    [Theory]
    [InlineData("CMD [\"a\", \"b\"]", true)]
    [InlineData("CMD [ \"a\" ]", true)]
    [InlineData("CMD ['a']", false)]
    [InlineData("CMD [\"a\", 1]", false)]
    [InlineData("CMD [\"a\"", false)]
    [InlineData("CMD echo [\"a\"]", false)]
    public void Json_form_only_when_it_is_an_array_of_strings(string line, bool isExec)
    {
        var cmd = Assert.IsType<CmdInstruction>(Parse("FROM busybox\n" + line)[1]);

        Assert.Equal(isExec, cmd.Command.IsExecForm);
    }

    [Fact]
    public void Shell_requires_json()
    {
        Assert.Equal("dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form", ParseError("FROM busybox\nSHELL /bin/bash -c"));
    }

    [Fact]
    public void Env_accepts_the_legacy_form_and_pairs()
    {
        var instructions = Parse("FROM busybox\nENV A hello world\nENV B=1 C=\"x y\" D=e\\ f\n");

        Assert.Equal([new KeyValue("A", "hello world")], Assert.IsType<EnvInstruction>(instructions[1]).Variables);
        Assert.Equal([new KeyValue("B", "1"), new KeyValue("C", "\"x y\""), new KeyValue("D", "e\\ f")],
            Assert.IsType<EnvInstruction>(instructions[2]).Variables);
    }

    [Theory]
    [InlineData("ENV A", "ENV must have two arguments")]
    [InlineData("ENV A=1 B", "Syntax error - can't find = in \"B\". Must be of the form: name=value")]
    [InlineData("COPY onlyone", "COPY requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("FROM a b", "FROM requires either one or three arguments")]
    [InlineData("FROM a AS 1bad", "invalid name for build stage: \"1bad\", name can't start with a number or contain symbols")]
    [InlineData("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("ONBUILD FROM x", "FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments")]
    [InlineData("HEALTHCHECK BOGUS x", "Unknown type \"BOGUS\" in HEALTHCHECK (try CMD)")]
    [InlineData("COPY --bogus=1 a b", "Unknown flag: bogus")]
    [InlineData("RUN --mount=type=cache,target=/x true", "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")]
    [InlineData("WORKDIR", "WORKDIR requires exactly one argument")]
    [InlineData("VOLUME []", "VOLUME specified can not be an empty string")]
    [InlineData("COPY --chmod=999 a b", "invalid chmod parameter: 999")]
    public void Invalid_instructions_are_refused_with_dockers_wording(string line, string message)
    {
        Assert.Equal($"dockerfile parse error on line 2: {message}", ParseError("FROM busybox\n" + line));
    }

    [Fact]
    public void Empty_dockerfile_is_refused()
    {
        Assert.Contains("cannot be empty", ParseError("# only a comment\n\n"));
    }

    [Fact]
    public void Arg_takes_several_names_with_and_without_defaults()
    {
        var arg = Assert.IsType<ArgInstruction>(Parse("ARG A B=2 C=\"x\"")[0]);

        Assert.Equal([new KeyValue("A", null), new KeyValue("B", "2"), new KeyValue("C", "\"x\"")], arg.Arguments);
    }
}
