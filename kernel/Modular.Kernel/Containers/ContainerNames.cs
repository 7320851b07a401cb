using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Kernel.Containers;

/// <summary>Container ids and names: random 64-hex ids, Docker-style generated names, and Docker's name rule.</summary>
public static partial class ContainerNames
{
    private static readonly string[] Adjectives =
    [
        "admiring", "agitated", "amazing", "awesome", "blissful", "bold", "brave", "busy", "charming", "clever",
        "compassionate", "confident", "cool", "dazzling", "determined", "eager", "ecstatic", "elegant", "epic",
        "focused", "friendly", "funny", "gallant", "gifted", "gracious", "happy", "hopeful", "intelligent", "jolly",
        "keen", "kind", "loving", "modest", "nice", "nifty", "optimistic", "peaceful", "practical", "quirky",
        "relaxed", "serene", "sharp", "stoic", "sweet", "tender", "trusting", "upbeat", "vibrant", "wizardly", "zealous",
    ];

    private static readonly string[] Scientists =
    [
        "agnesi", "babbage", "bohr", "curie", "darwin", "dijkstra", "einstein", "euler", "faraday", "fermi",
        "feynman", "gauss", "goodall", "hamilton", "hopper", "hypatia", "johnson", "kepler", "knuth", "lamarr",
        "lovelace", "maxwell", "meitner", "mendel", "newton", "noether", "pasteur", "planck", "ritchie", "shannon",
        "tesla", "thompson", "turing", "wozniak", "yalow",
    ];

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static string Generate(Func<string, bool> taken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}_{Scientists[Random.Shared.Next(Scientists.Length)]}";
            if (attempt > 10)
            {
                name += Random.Shared.Next(10);
            }
            if (!taken(name))
            {
                return name;
            }
        }
    }

    /// <summary>Checks a user-given name and strips its optional leading slash.</summary>
    public static string Validate(string name)
    {
        var bare = name.StartsWith('/') ? name[1..] : name;
        if (!ValidName().IsMatch(bare))
        {
            throw DriverException.InvalidArgument($"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        return bare;
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ValidName();
}
