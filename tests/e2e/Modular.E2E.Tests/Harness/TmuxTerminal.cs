using System.Security.Cryptography;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// A real terminal for a command that insists on one (`docker exec -it`, `docker run -it`): a detached tmux session on
/// a tmux server of its own (-S, a socket under the e2e temp parent), so that disposing it kills exactly this server and
/// whatever ran in it, and removes the socket tmux leaves behind.
/// </summary>
public sealed class TmuxTerminal : IAsyncDisposable
{
    private const string Session = "main";
    private readonly string _socketPath;

    private TmuxTerminal(string socketPath) => _socketPath = socketPath;

    /// <summary>Starts the command (argv, no shell) in a window of the given size.</summary>
    public static async Task<TmuxTerminal> StartAsync(IReadOnlyList<string> command, int width, int height)
    {
        var terminal = new TmuxTerminal(Path.Combine(RepoLayout.TempParent,
            "modular-e2e-tmux-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".sock"));
        // -f /dev/null: the host's ~/.tmux.conf must not change sizes, keys or the status line.
        var started = await terminal.TmuxAsync(["-f", "/dev/null", "new-session", "-d", "-s", Session,
            "-x", width.ToString(), "-y", height.ToString(), .. command]);
        if (started.ExitCode != 0)
        {
            await terminal.DisposeAsync();
            throw new InvalidOperationException("tmux did not start: " + started);
        }
        return terminal;
    }

    /// <summary>tmux key names (C-p, Enter) or literal text, as `tmux send-keys` takes them.</summary>
    public async Task SendKeysAsync(params string[] keys)
    {
        var sent = await TmuxAsync(["send-keys", "-t", Session, .. keys]);
        if (sent.ExitCode != 0)
        {
            throw new InvalidOperationException("tmux send-keys failed: " + sent);
        }
    }

    /// <summary>Types the text literally (-l, so words like "Enter" in it stay words), then presses Enter.</summary>
    public async Task TypeLineAsync(string text)
    {
        var typed = await TmuxAsync(["send-keys", "-t", Session, "-l", text]);
        if (typed.ExitCode != 0)
        {
            throw new InvalidOperationException("tmux send-keys failed: " + typed);
        }
        await SendKeysAsync("Enter");
    }

    /// <summary>The visible screen plus history, trailing blanks trimmed.</summary>
    public async Task<string> CaptureAsync()
    {
        var captured = await TmuxAsync(["capture-pane", "-p", "-J", "-S", "-", "-t", Session]);
        return captured.ExitCode == 0 ? captured.Stdout.TrimEnd() : "(capture failed) " + captured;
    }

    /// <summary>The pane's rows and columns as tmux sees them (the window less tmux's status line).</summary>
    public async Task<(int Rows, int Columns)> PaneSizeAsync()
    {
        var shown = await TmuxAsync(["display-message", "-p", "-t", Session, "#{pane_height} #{pane_width}"]);
        var fields = shown.Stdout.Trim().Split(' ');
        if (shown.ExitCode != 0 || fields.Length != 2)
        {
            throw new InvalidOperationException("tmux display-message failed: " + shown);
        }
        return (int.Parse(fields[0]), int.Parse(fields[1]));
    }

    public async Task ResizeAsync(int width, int height)
    {
        var resized = await TmuxAsync(["resize-window", "-t", Session, "-x", width.ToString(), "-y", height.ToString()]);
        if (resized.ExitCode != 0)
        {
            throw new InvalidOperationException("tmux resize-window failed: " + resized);
        }
    }

    private Task<CommandResult> TmuxAsync(IEnumerable<string> arguments) =>
        CommandRunner.RunAsync("tmux", ["-S", _socketPath, .. arguments], timeout: TimeSpan.FromSeconds(15));

    /// <summary>Kills the server: the pane's processes get SIGHUP with their terminal gone.</summary>
    public async ValueTask DisposeAsync()
    {
        await TmuxAsync(["kill-server"]);
        File.Delete(_socketPath);
    }
}
