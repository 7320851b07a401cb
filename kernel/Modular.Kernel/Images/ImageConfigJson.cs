using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>Reads and writes the image configuration JSON (OCI image spec "config", Docker's image JSON).</summary>
internal static class ImageConfigJson
{
    public static ImageConfig Parse(ReadOnlyMemory<byte> raw)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid image config: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw DriverException.InvalidArgument("invalid image config: not a JSON object");
            }
            var rootFs = Property(root, "rootfs");
            return new ImageConfig
            {
                Architecture = String(root, "architecture") ?? "",
                Os = String(root, "os") ?? "",
                Variant = String(root, "variant"),
                OsVersion = String(root, "os.version"),
                Created = Time(root, "created"),
                Author = String(root, "author"),
                Comment = String(root, "comment"),
                DockerVersion = String(root, "docker_version"),
                Config = ParseExecution(Property(root, "config")),
                RootFsType = rootFs is { } fs ? String(fs, "type") ?? "layers" : "layers",
                DiffIds = ParseDiffIds(rootFs),
                History = ParseHistory(Property(root, "history")),
                Raw = raw.ToArray(),
            };
        }
    }

    private static IReadOnlyList<string> ParseDiffIds(JsonElement? rootFs)
    {
        var diffIds = rootFs is { } fs ? Strings(fs, "diff_ids") ?? [] : [];
        foreach (var diffId in diffIds)
        {
            if (!Sha256Digest.IsValid(diffId))
            {
                throw DriverException.InvalidArgument($"invalid image config: unsupported diff id {diffId}");
            }
        }
        return diffIds;
    }

    private static ImageExecutionConfig ParseExecution(JsonElement? element)
    {
        if (element is not { } config)
        {
            return new ImageExecutionConfig();
        }
        return new ImageExecutionConfig
        {
            User = NonEmpty(String(config, "User")),
            Env = Strings(config, "Env"),
            Cmd = Strings(config, "Cmd"),
            Entrypoint = Strings(config, "Entrypoint"),
            WorkingDir = NonEmpty(String(config, "WorkingDir")),
            ExposedPorts = Keys(config, "ExposedPorts"),
            Volumes = Keys(config, "Volumes"),
            Labels = StringMap(config, "Labels"),
            StopSignal = NonEmpty(String(config, "StopSignal")),
            Healthcheck = ParseHealthcheck(Property(config, "Healthcheck")),
            OnBuild = Strings(config, "OnBuild"),
            Shell = Strings(config, "Shell"),
            ArgsEscaped = Property(config, "ArgsEscaped") is { ValueKind: JsonValueKind.True or JsonValueKind.False } b
                ? b.GetBoolean()
                : null,
        };
    }

    private static ImageHealthcheck? ParseHealthcheck(JsonElement? element)
    {
        if (element is not { } check)
        {
            return null;
        }
        return new ImageHealthcheck(
            Strings(check, "Test"),
            Long(check, "Interval"),
            Long(check, "Timeout"),
            Long(check, "StartPeriod"),
            Long(check, "StartInterval"),
            (int)Long(check, "Retries"));
    }

    private static IReadOnlyList<ImageHistoryEntry> ParseHistory(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Array } history)
        {
            return [];
        }
        var entries = new List<ImageHistoryEntry>();
        foreach (var item in history.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            entries.Add(new ImageHistoryEntry(
                Time(item, "created"),
                String(item, "created_by"),
                String(item, "author"),
                String(item, "comment"),
                Property(item, "empty_layer") is { ValueKind: JsonValueKind.True }));
        }
        return entries;
    }

    /// <summary>Serializes a config the kernel creates itself (import); keys in the order Docker writes them.</summary>
    public static byte[] Write(ImageConfig config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("architecture", config.Architecture);
            WriteIfSet(writer, "author", config.Author);
            WriteIfSet(writer, "comment", config.Comment);
            WriteExecution(writer, config.Config);
            if (config.Created is { } created)
            {
                writer.WriteString("created", FormatTime(created));
            }
            WriteIfSet(writer, "docker_version", config.DockerVersion);
            writer.WriteStartArray("history");
            foreach (var entry in config.History)
            {
                writer.WriteStartObject();
                if (entry.Created is { } at)
                {
                    writer.WriteString("created", FormatTime(at));
                }
                WriteIfSet(writer, "created_by", entry.CreatedBy);
                WriteIfSet(writer, "author", entry.Author);
                WriteIfSet(writer, "comment", entry.Comment);
                if (entry.EmptyLayer)
                {
                    writer.WriteBoolean("empty_layer", true);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("os", config.Os);
            WriteIfSet(writer, "variant", config.Variant);
            writer.WriteStartObject("rootfs");
            writer.WriteString("type", config.RootFsType);
            writer.WriteStartArray("diff_ids");
            foreach (var diffId in config.DiffIds)
            {
                writer.WriteStringValue(diffId);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteExecution(Utf8JsonWriter writer, ImageExecutionConfig config)
    {
        writer.WriteStartObject("config");
        WriteIfSet(writer, "User", config.User);
        WriteSet(writer, "ExposedPorts", config.ExposedPorts);
        WriteList(writer, "Env", config.Env);
        WriteList(writer, "Cmd", config.Cmd);
        if (config.Healthcheck is { } check)
        {
            writer.WriteStartObject("Healthcheck");
            WriteList(writer, "Test", check.Test);
            WriteNonZero(writer, "Interval", check.Interval);
            WriteNonZero(writer, "Timeout", check.Timeout);
            WriteNonZero(writer, "StartPeriod", check.StartPeriod);
            WriteNonZero(writer, "StartInterval", check.StartInterval);
            WriteNonZero(writer, "Retries", check.Retries);
            writer.WriteEndObject();
        }
        if (config.ArgsEscaped is { } escaped)
        {
            writer.WriteBoolean("ArgsEscaped", escaped);
        }
        WriteSet(writer, "Volumes", config.Volumes);
        WriteIfSet(writer, "WorkingDir", config.WorkingDir);
        WriteList(writer, "Entrypoint", config.Entrypoint);
        WriteList(writer, "OnBuild", config.OnBuild);
        if (config.Labels is { Count: > 0 } labels)
        {
            writer.WriteStartObject("Labels");
            foreach (var (key, value) in labels)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        WriteIfSet(writer, "StopSignal", config.StopSignal);
        WriteList(writer, "Shell", config.Shell);
        writer.WriteEndObject();
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNonZero(Utf8JsonWriter writer, string name, long value)
    {
        if (value != 0)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    private static void WriteSet(Utf8JsonWriter writer, string name, IReadOnlyList<string>? keys)
    {
        if (keys is not { Count: > 0 })
        {
            return;
        }
        writer.WriteStartObject(name);
        foreach (var key in keys)
        {
            writer.WriteStartObject(key);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static long Long(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : 0;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static IReadOnlyList<string>? Strings(JsonElement element, string name)
    {
        if (Property(element, name) is not { } value)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            // Very old images store Cmd/Entrypoint as a plain string.
            return [value.GetString()!];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        return value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!).ToArray();
    }

    private static IReadOnlyList<string>? Keys(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Object } value
            ? value.EnumerateObject().Select(property => property.Name).ToArray()
            : null;

    private static IReadOnlyDictionary<string, string>? StringMap(JsonElement element, string name)
    {
        if (Property(element, name) is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        return map;
    }
}
