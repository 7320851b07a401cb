using System.Globalization;
using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>The json-file <c>--log-opt</c> values, checked with Docker's rules and messages.</summary>
/// <param name="MaxSize">Rotate before a write would make the file larger than this; null means never rotate.</param>
/// <param name="MaxFiles">How many files to keep, the one being written included.</param>
/// <param name="Compress">Whether rotated files are gzip-compressed.</param>
internal sealed record JsonFileOptions(long? MaxSize, int MaxFiles, bool Compress)
{
    // labels, labels-regex, env, env-regex and tag are accepted as Docker accepts them; this driver does not yet
    // write them as "attrs".
    private static readonly string[] KnownKeys =
        ["max-size", "max-file", "compress", "labels", "labels-regex", "env", "env-regex", "tag"];

    public static JsonFileOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        LogOptionRules.RejectUnknownKeys(options, JsonFileLoggingDriver.DriverName, KnownKeys);

        long? maxSize = null;
        if (options.TryGetValue("max-size", out var sizeText) && sizeText.Trim() != "-1")
        {
            if (!LogOptionRules.TryParseHumanSize(sizeText, out var bytes))
            {
                throw DriverException.InvalidArgument(
                    $"invalid value '{sizeText}' for log opt 'max-size': expected a size such as 1024, 10k, 10m or 1g");
            }
            if (bytes <= 0)
            {
                throw DriverException.InvalidArgument("max-size must be a positive number");
            }
            maxSize = bytes;
        }

        var maxFiles = 1;
        if (options.TryGetValue("max-file", out var filesText))
        {
            if (!int.TryParse(filesText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out maxFiles))
            {
                throw DriverException.InvalidArgument($"invalid value '{filesText}' for log opt 'max-file': max-file must be a positive number");
            }
            if (maxFiles < 1)
            {
                throw DriverException.InvalidArgument("max-file cannot be less than 1");
            }
        }

        var compress = false;
        if (options.TryGetValue("compress", out var compressText))
        {
            compress = ParseGoBool(compressText)
                ?? throw DriverException.InvalidArgument($"invalid value '{compressText}' for log opt 'compress': expected true or false");
            if (compress && (maxFiles == 1 || maxSize is null))
            {
                throw DriverException.InvalidArgument("compress cannot be true when max-file is less than 2 or max-size is not set");
            }
        }

        return new JsonFileOptions(maxSize, maxFiles, compress);
    }

    // The spellings Go's strconv.ParseBool accepts, which is what Docker users write.
    private static bool? ParseGoBool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}
