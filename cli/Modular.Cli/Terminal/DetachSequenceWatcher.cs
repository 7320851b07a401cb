namespace Modular.Cli.Terminal;

/// <summary>
/// Notices the detach sequence going by in stdin that is forwarded untouched (no TTY: the daemon, not this client,
/// acts on it), so a stream the daemon ends right after it can be told apart from a container that ended.
/// </summary>
internal sealed class DetachSequenceWatcher(byte[] sequence)
{
    private int _matched;

    public bool Seen { get; private set; }

    public void Observe(ReadOnlySpan<byte> data)
    {
        if (sequence.Length == 0)
            return;
        foreach (var b in data)
        {
            if (b == sequence[_matched])
                _matched++;
            else
                _matched = b == sequence[0] ? 1 : 0;
            if (_matched == sequence.Length)
            {
                Seen = true;
                _matched = 0;
            }
        }
    }
}
