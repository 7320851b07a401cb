using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Security;

/// <summary>
/// Reads a profile in Docker's seccomp format: "architectures" or "archMap" (with sub-architectures), and syscall rules
/// with "name" or "names", "args", "errnoRet" and "includes"/"excludes" filters on capabilities and architectures.
/// </summary>
public static class SeccompProfileParser
{
    public static SeccompProfile Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid($"Decoding seccomp profile failed: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Decoding seccomp profile failed: the profile is not a JSON object");
            }
            var defaultAction = String(root, "defaultAction") ?? throw Invalid("the profile has no defaultAction");
            var architectures = new List<string>(Strings(root, "architectures"));
            if (root.TryGetProperty("archMap", out var archMap) && archMap.ValueKind == JsonValueKind.Array)
            {
                if (architectures.Count > 0)
                {
                    throw Invalid("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
                }
                foreach (var entry in archMap.EnumerateArray())
                {
                    if (String(entry, "architecture") is { } main)
                    {
                        architectures.Add(main);
                        architectures.AddRange(Strings(entry, "subArchitectures"));
                    }
                }
            }
            var rules = new List<SeccompRule>();
            if (root.TryGetProperty("syscalls", out var syscalls) && syscalls.ValueKind == JsonValueKind.Array)
            {
                foreach (var syscall in syscalls.EnumerateArray())
                {
                    rules.Add(ParseRule(syscall));
                }
            }
            return new SeccompProfile(defaultAction, UInt(root, "defaultErrnoRet"), architectures, rules);
        }
    }

    private static SeccompRule ParseRule(JsonElement syscall)
    {
        var names = new List<string>(Strings(syscall, "names"));
        if (String(syscall, "name") is { Length: > 0 } single)
        {
            if (names.Count > 0)
            {
                throw Invalid("use either 'name' or 'names' in a seccomp syscall rule, not both");
            }
            names.Add(single);
        }
        var action = String(syscall, "action") ?? throw Invalid($"the seccomp rule for {string.Join(",", names)} has no action");
        var args = new List<SeccompArgument>();
        if (syscall.TryGetProperty("args", out var argsElement) && argsElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var arg in argsElement.EnumerateArray())
            {
                args.Add(new SeccompArgument(UInt(arg, "index") ?? 0, ULong(arg, "value"), ULong(arg, "valueTwo"),
                    String(arg, "op") ?? throw Invalid("a seccomp argument filter has no op")));
            }
        }
        syscall.TryGetProperty("includes", out var includes);
        syscall.TryGetProperty("excludes", out var excludes);
        return new SeccompRule(names, action, args,
            Strings(includes, "caps"), Strings(excludes, "caps"), Strings(includes, "arches"), Strings(excludes, "arches"),
            UInt(syscall, "errnoRet"));
    }

    private static DriverException Invalid(string message) =>
        DriverException.InvalidArgument($"invalid --security-opt seccomp: {message}");

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    private static uint? UInt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetUInt32() : null;

    private static ulong ULong(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetUInt64() : 0;

    private static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
