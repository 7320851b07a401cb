using System.Text;
using System.Text.Json;

namespace Modular.Cli.Build;

/// <summary>The docker CLI's rules for build inputs: where the Dockerfile is, and build args and labels as JSON.</summary>
internal static class BuildInputs
{
    /// <summary>
    /// The Dockerfile's name inside the context, and the file to add to the context when the Dockerfile is outside it
    /// or read from stdin (<c>-f -</c>), under a random name as the docker CLI does.
    /// </summary>
    public static (string NameInContext, (string Name, byte[] Content)? Extra) Dockerfile(string contextRoot, string? file, Func<byte[]> readStdin)
    {
        if (file == "-")
        {
            var name = ".dockerfile." + Guid.NewGuid().ToString("N")[..20];
            return (name, (name, readStdin()));
        }
        var root = Path.GetFullPath(contextRoot);
        var path = file is null ? Path.Combine(root, "Dockerfile") : Path.GetFullPath(file);
        if (file is null && !File.Exists(path) && File.Exists(Path.Combine(root, "dockerfile")))
            path = Path.Combine(root, "dockerfile");
        if (!File.Exists(path))
            throw new CliStatusException(1, $"unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {path}: no such file or directory");
        var relative = Path.GetRelativePath(root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            var name = ".dockerfile." + Guid.NewGuid().ToString("N")[..20];
            return (name, (name, File.ReadAllBytes(path)));
        }
        return (relative.Replace('\\', '/'), null);
    }

    /// <summary><c>--build-arg KEY=VALUE</c>, or <c>KEY</c> alone for the value of the environment variable (skipped when unset).</summary>
    public static string? BuildArgsJson(IEnumerable<string> args, Func<string, string?> environment)
    {
        var pairs = new List<(string, string)>();
        foreach (var arg in args)
        {
            var split = arg.Split('=', 2);
            if (split.Length == 2)
                pairs.Add((split[0], split[1]));
            else if (environment(split[0]) is { } value)
                pairs.Add((split[0], value));
        }
        return pairs.Count == 0 ? null : Json(pairs);
    }

    /// <summary><c>--label KEY=VALUE</c> (a bare key has an empty value).</summary>
    public static string? LabelsJson(IEnumerable<string> labels)
    {
        var pairs = labels.Select(label => label.Split('=', 2)).Select(split => (split[0], split.Length == 2 ? split[1] : "")).ToList();
        return pairs.Count == 0 ? null : Json(pairs);
    }

    private static string Json(IEnumerable<(string Key, string Value)> pairs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in pairs)
                writer.WriteString(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
