using System.Security.Cryptography;

namespace Modular.E2E.Tests.Tests;

internal static class Names
{
    /// <summary>A container name no earlier run (or other test) can have taken.</summary>
    public static string Unique(string stem) => $"e2e-{stem}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
}
