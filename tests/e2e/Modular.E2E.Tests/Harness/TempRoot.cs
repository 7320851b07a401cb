using System.Security.Cryptography;

namespace Modular.E2E.Tests.Harness;

/// <summary>A fresh folder under <see cref="RepoLayout.TempParent"/> named modular-e2e-&lt;random&gt;.</summary>
public static class TempRoot
{
    public static string Create()
    {
        var path = Path.Combine(RepoLayout.TempParent, "modular-e2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(path);
        return path;
    }
}
