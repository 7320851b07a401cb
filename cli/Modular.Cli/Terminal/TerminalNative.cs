using System.Runtime.InteropServices;

namespace Modular.Cli.Terminal;

/// <summary>The libc calls behind raw mode and window sizes. termios is handled as an opaque buffer larger than any
/// libc's struct, so its layout never has to be declared here.</summary>
internal static unsafe partial class TerminalNative
{
    private const string LibC = "libc.so.6";

    public const int StdinFileDescriptor = 0;
    public const int StdoutFileDescriptor = 1;
    public const int TermiosBufferSize = 256;

    /// <summary>tcsetattr: apply the change immediately.</summary>
    public const int TcsaNow = 0;

    /// <summary>ioctl request reading a terminal's rows and columns (the same number on x86-64 and arm64 Linux).</summary>
    private const nuint TiocGetWindowSize = 0x5413;

    [StructLayout(LayoutKind.Sequential)]
    public struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(LibC, EntryPoint = "isatty")]
    private static partial int IsATty(int fileDescriptor);

    [LibraryImport(LibC, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int GetAttributes(int fileDescriptor, byte* termios);

    [LibraryImport(LibC, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int SetAttributes(int fileDescriptor, int optionalActions, byte* termios);

    [LibraryImport(LibC, EntryPoint = "cfmakeraw")]
    public static partial void MakeRaw(byte* termios);

    [LibraryImport(LibC, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWindowSize(int fileDescriptor, nuint request, WindowSize* size);

    public static bool IsTerminal(int fileDescriptor) => IsATty(fileDescriptor) == 1;

    /// <summary>Rows and columns of the terminal on <paramref name="fileDescriptor"/>, or null when it is not a terminal.</summary>
    public static WindowSize? GetWindowSize(int fileDescriptor)
    {
        WindowSize size;
        return IoctlWindowSize(fileDescriptor, TiocGetWindowSize, &size) == 0 ? size : null;
    }
}
