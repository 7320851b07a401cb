namespace Modular.Kernel.Build.Dockerfile;

/// <summary>
/// A parsed Dockerfile instruction. Values are kept as written (quotes and variables included) for the instructions
/// Docker expands at build time; <see cref="Original"/> is the text the build output and history show.
/// </summary>
public abstract record Instruction(string Original, int Line)
{
    /// <summary>The upper-case instruction name (RUN, COPY, ...).</summary>
    public abstract string Name { get; }
}

/// <summary>A command as RUN, CMD, ENTRYPOINT and HEALTHCHECK take it: exec form (JSON array) or shell form (one string).</summary>
public sealed record CommandLine(bool IsExecForm, IReadOnlyList<string> Arguments)
{
    public static CommandLine Shell(string command) => new(false, [command]);

    public string ShellText => IsExecForm ? string.Join(' ', Arguments) : Arguments[0];
}

/// <summary>A name and value of ENV, LABEL or ARG as written; <see cref="Value"/> is null for an ARG without default.</summary>
public sealed record KeyValue(string Key, string? Value);

public sealed record FromInstruction(string Original, int Line, string Image, string? StageName, string? Platform) : Instruction(Original, Line)
{
    public override string Name => "FROM";
}

public sealed record RunInstruction(string Original, int Line, CommandLine Command, IReadOnlyList<Heredoc> Heredocs) : Instruction(Original, Line)
{
    public override string Name => "RUN";
}

public sealed record CmdInstruction(string Original, int Line, CommandLine Command) : Instruction(Original, Line)
{
    public override string Name => "CMD";
}

public sealed record EntrypointInstruction(string Original, int Line, CommandLine Command) : Instruction(Original, Line)
{
    public override string Name => "ENTRYPOINT";
}

public sealed record ShellInstruction(string Original, int Line, IReadOnlyList<string> Shell) : Instruction(Original, Line)
{
    public override string Name => "SHELL";
}

public sealed record EnvInstruction(string Original, int Line, IReadOnlyList<KeyValue> Variables) : Instruction(Original, Line)
{
    public override string Name => "ENV";
}

public sealed record LabelInstruction(string Original, int Line, IReadOnlyList<KeyValue> Labels) : Instruction(Original, Line)
{
    public override string Name => "LABEL";
}

public sealed record ArgInstruction(string Original, int Line, IReadOnlyList<KeyValue> Arguments) : Instruction(Original, Line)
{
    public override string Name => "ARG";
}

public sealed record ExposeInstruction(string Original, int Line, IReadOnlyList<string> Ports) : Instruction(Original, Line)
{
    public override string Name => "EXPOSE";
}

public sealed record VolumeInstruction(string Original, int Line, IReadOnlyList<string> Volumes) : Instruction(Original, Line)
{
    public override string Name => "VOLUME";
}

/// <summary>USER, WORKDIR, STOPSIGNAL and MAINTAINER: one value.</summary>
public sealed record ValueInstruction(string Original, int Line, string Keyword, string Value) : Instruction(Original, Line)
{
    public override string Name => Keyword;
}

/// <summary>COPY and ADD. <see cref="Sources"/> and <see cref="Destination"/> are unexpanded.</summary>
public sealed record CopyInstruction(
    string Original,
    int Line,
    bool IsAdd,
    IReadOnlyList<string> Sources,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    IReadOnlyList<Heredoc> Heredocs) : Instruction(Original, Line)
{
    public override string Name => IsAdd ? "ADD" : "COPY";
}

/// <summary>ONBUILD: <see cref="Expression"/> is the trigger's text, stored in the image's OnBuild list.</summary>
public sealed record OnBuildInstruction(string Original, int Line, string Expression, Instruction Trigger) : Instruction(Original, Line)
{
    public override string Name => "ONBUILD";
}

/// <summary>HEALTHCHECK NONE (<see cref="Command"/> null) or CMD; durations in nanoseconds, 0 when not given.</summary>
public sealed record HealthcheckInstruction(
    string Original,
    int Line,
    CommandLine? Command,
    long Interval,
    long Timeout,
    long StartPeriod,
    long StartInterval,
    int Retries) : Instruction(Original, Line)
{
    public override string Name => "HEALTHCHECK";
}
