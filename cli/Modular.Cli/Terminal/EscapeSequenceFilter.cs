namespace Modular.Cli.Terminal;

/// <summary>
/// Watches keystrokes for the detach sequence, as moby/term's escape proxy: only single-byte reads (typed keys, not
/// pasted text) advance the match; matched keys are held back, and handed on in front of the next read when the
/// sequence breaks off.
/// </summary>
internal sealed class EscapeSequenceFilter(byte[] sequence)
{
    private int _matched;

    /// <summary>Rewrites one read in place. Returns the bytes to forward, or null when the sequence is complete.</summary>
    public byte[]? Filter(ReadOnlySpan<byte> read)
    {
        if (sequence.Length == 0)
            return read.ToArray();

        if (read.Length == 1 && read[0] == sequence[_matched])
        {
            if (_matched == sequence.Length - 1)
                return null;
            _matched++;
            return [];
        }

        var forwarded = new byte[_matched + read.Length];
        sequence.AsSpan(0, _matched).CopyTo(forwarded);
        read.CopyTo(forwarded.AsSpan(_matched));
        _matched = 0;
        return forwarded;
    }
}
