namespace Modular.Cli.Terminal;

/// <summary>The key sequence that detaches from a container (docker's --detach-keys, moby/term's ToBytes).</summary>
internal static class DetachKeys
{
    /// <summary>ctrl-p, ctrl-q.</summary>
    public static readonly byte[] Default = [16, 17];

    private static readonly string[] ControlNames =
    [
        "ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d", "ctrl-e", "ctrl-f", "ctrl-g", "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k",
        "ctrl-l", "ctrl-m", "ctrl-n", "ctrl-o", "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t", "ctrl-u", "ctrl-v", "ctrl-w",
        "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_",
    ];

    /// <summary>"ctrl-p,ctrl-q" or "a,ctrl-x,DEL" as bytes; null when a key is not one docker knows.</summary>
    public static byte[]? Parse(string keys)
    {
        var codes = new List<byte>();
        foreach (var key in keys.Split(','))
        {
            if (key.Length == 1)
            {
                codes.Add((byte)key[0]);
                continue;
            }
            var code = Array.IndexOf(ControlNames, key);
            if (code >= 0)
                codes.Add((byte)code);
            else if (key == "DEL")
                codes.Add(127);
            else
                return null;
        }
        return codes.ToArray();
    }

    /// <summary>The sequence to watch for: the given keys, or the default when none or invalid ones were given (as docker).</summary>
    public static byte[] ResolveOrDefault(string? keys) =>
        string.IsNullOrEmpty(keys) ? Default : Parse(keys) ?? Default;
}
