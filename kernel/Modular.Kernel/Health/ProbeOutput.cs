using System.Text;

namespace Modular.Kernel.Health;

/// <summary>A probe's stdout and stderr together, kept to Docker's 4096 bytes; "..." marks output that was cut.</summary>
public sealed class ProbeOutput
{
    public const int MaxBytes = 4096;
    private readonly MemoryStream _kept = new();
    private bool _truncated;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        var room = MaxBytes - (int)_kept.Length;
        var keep = Math.Min(room, bytes.Length);
        if (keep > 0)
        {
            _kept.Write(bytes[..keep]);
        }
        _truncated |= keep < bytes.Length;
    }

    public override string ToString() => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length) + (_truncated ? "..." : "");
}
