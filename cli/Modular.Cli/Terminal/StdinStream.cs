using Microsoft.Win32.SafeHandles;

namespace Modular.Cli.Terminal;

/// <summary>Standard input as plain bytes. When it is a terminal, .NET's console stream would edit lines and echo
/// them itself; reading the descriptor directly gives what the keys send, which raw mode needs.</summary>
internal static class StdinStream
{
    public static Stream Open() =>
        TerminalNative.IsTerminal(TerminalNative.StdinFileDescriptor)
            ? new FileStream(new SafeFileHandle(TerminalNative.StdinFileDescriptor, ownsHandle: false), FileAccess.Read, bufferSize: 0)
            : Console.OpenStandardInput();
}
