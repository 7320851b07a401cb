using Modular.Kernel.Images;

namespace Modular.Kernel.Build;

/// <summary>The state of the stage being built: its current image and config, and the ARGs it declared.</summary>
public sealed class StageState(int index, string? name)
{
    public int Index { get; } = index;

    public string? Name { get; } = name;

    /// <summary>The image the next step builds on; null while the stage is FROM scratch with no step yet.</summary>
    public string? ImageId { get; set; }

    public ImageExecutionConfig Config { get; set; } = new();

    /// <summary>MAINTAINER's value, the image's author.</summary>
    public string? Author { get; set; }

    /// <summary>Whether CMD was set in this stage (ENTRYPOINT then keeps it).</summary>
    public bool CmdSet { get; set; }

    /// <summary>ARGs declared in this stage with their values, in declaration order.</summary>
    public Dictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Shell => Config.Shell is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    /// <summary>The environment variables of the config, by name.</summary>
    public Dictionary<string, string> EnvMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in Config.Env ?? [])
        {
            var split = variable.Split('=', 2);
            map[split[0]] = split.Length > 1 ? split[1] : "";
        }
        return map;
    }

    /// <summary>What <c>$NAME</c> means in this stage: the config's variable, else a declared ARG's value.</summary>
    public string? Lookup(string name)
    {
        foreach (var variable in Config.Env ?? [])
        {
            if (variable.Length > name.Length && variable[name.Length] == '=' && variable.StartsWith(name, StringComparison.Ordinal))
            {
                return variable[(name.Length + 1)..];
            }
        }
        return Args.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>Declared ARGs with a value that no ENV overrides: they reach RUN and, sorted, its history text.</summary>
    public List<KeyValuePair<string, string>> EffectiveArgs()
    {
        var env = EnvMap();
        return Args.Where(pair => pair.Value is not null && !env.ContainsKey(pair.Key))
            .Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value!))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ToList();
    }
}
