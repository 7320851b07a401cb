namespace Modular.Cli.Terminal;

/// <summary>docker's In().CheckTty: a container terminal fed from our stdin needs stdin to be a terminal too.</summary>
internal static class TtyChecks
{
    public const string NotATerminal = "the input device is not a TTY";

    public static void RequireTerminalStdin(bool attachStdin, bool tty)
    {
        if (tty && attachStdin && !TerminalNative.IsTerminal(TerminalNative.StdinFileDescriptor))
            throw new CliStatusException(1, NotATerminal);
    }
}
