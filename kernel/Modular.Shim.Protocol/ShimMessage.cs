namespace Modular.Shim.Protocol;

/// <summary>
/// The shim's line protocol. On its stdout, once: <c>created &lt;pid&gt;</c> or <c>failed &lt;reason&gt;</c>. On each
/// connection, shim to daemon: <c>attach &lt;pid&gt; &lt;layout&gt;</c> carrying the stdio descriptors, then
/// <c>exit &lt;status&gt;</c> when the container's init ends (at once if it already has). Daemon to shim:
/// <c>close-stdin</c>, and <c>release</c> once the exit is recorded, after which the shim ends.
/// </summary>
public static class ShimMessage
{
    public const string Created = "created";
    public const string Failed = "failed";
    public const string Attach = "attach";
    public const string Exit = "exit";
    public const string CloseStdin = "close-stdin";
    public const string Release = "release";

    /// <summary>The descriptors of <c>attach</c>: stdout and stderr pipes, plus stdin's write end when open.</summary>
    public const string PipesLayout = "pipes";

    /// <summary>As <see cref="PipesLayout"/> without stdin (closed, or never opened).</summary>
    public const string PipesWithoutStdinLayout = "pipes-no-stdin";

    /// <summary>The descriptor of <c>attach</c>: the pseudo-terminal master, input and output in one.</summary>
    public const string TerminalLayout = "terminal";

    /// <summary>The file in the shim's state directory that keeps the exit status when no daemon was there to hear it.</summary>
    public const string ExitFile = "exit-status";

    /// <summary>Splits a line into its verb and the rest.</summary>
    public static (string Verb, string Argument) Parse(string line)
    {
        var space = line.IndexOf(' ');
        return space < 0 ? (line, "") : (line[..space], line[(space + 1)..]);
    }

    /// <summary>A reason on one line: newlines would end the message early.</summary>
    public static string OneLine(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n");

    public static string FromOneLine(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                result.Append(text[++i] == 'n' ? '\n' : text[i]);
            }
            else
            {
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }
}
