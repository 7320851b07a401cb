using Modular.Sdk;

namespace Modular.Kernel.Streams;

/// <summary>
/// Docker's detach sequence: keys typed on an attached stdin that end the attachment and leave the process running.
/// Default ctrl-p,ctrl-q; `--detach-keys` takes a comma list of single characters and ctrl-&lt;char&gt; combinations.
/// </summary>
public sealed class DetachKeys
{
    public static readonly DetachKeys Default = Parse("ctrl-p,ctrl-q");

    private readonly byte[] _sequence;
    private int _matched;

    private DetachKeys(byte[] sequence) => _sequence = sequence;

    public static DetachKeys Parse(string? keys)
    {
        if (string.IsNullOrEmpty(keys))
        {
            return new DetachKeys(Default?._sequence ?? [0x10, 0x11]);
        }
        var bytes = new List<byte>();
        foreach (var key in keys.Split(','))
        {
            if (key.Length == 1)
            {
                bytes.Add((byte)key[0]);
            }
            else if (key.StartsWith("ctrl-", StringComparison.Ordinal) && key.Length == 6 && Control(key[5]) is { } control)
            {
                bytes.Add(control);
            }
            else
            {
                throw DriverException.InvalidArgument($"Invalid detach keys ({keys}) provided");
            }
        }
        return new DetachKeys(bytes.ToArray());
    }

    /// <summary>A fresh matcher with the same sequence (matching state is per stream).</summary>
    public DetachKeys NewMatcher() => new(_sequence);

    /// <summary>
    /// Feeds input; returns the bytes to forward and whether the sequence completed. Bytes of a partial match are held
    /// back until it is known whether they belong to the sequence, as Docker's escape proxy does.
    /// </summary>
    public (byte[] Forward, bool Detach) Feed(ReadOnlySpan<byte> input)
    {
        var forward = new List<byte>(input.Length);
        foreach (var b in input)
        {
            if (b == _sequence[_matched])
            {
                _matched++;
                if (_matched == _sequence.Length)
                {
                    _matched = 0;
                    return (forward.ToArray(), true);
                }
                continue;
            }
            forward.AddRange(_sequence.AsSpan(0, _matched).ToArray());
            _matched = b == _sequence[0] ? 1 : 0;
            if (_matched == 0)
            {
                forward.Add(b);
            }
        }
        return (forward.ToArray(), false);
    }

    private static byte? Control(char c) => c switch
    {
        >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
        '@' => 0,
        '[' => 27,
        '\\' => 28,
        ']' => 29,
        '^' => 30,
        '_' => 31,
        _ => null,
    };
}
