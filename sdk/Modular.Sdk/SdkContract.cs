namespace Modular.Sdk;

/// <summary>Facts about the contract itself that the kernel checks when it loads a plugin.</summary>
public static class SdkContract
{
    /// <summary>
    /// The contract generation. A plugin built against a newer SDK assembly version than the kernel carries is
    /// refused at load time with a message naming both versions, instead of failing later with a MissingMethodException.
    /// </summary>
    public static Version AssemblyVersion => typeof(SdkContract).Assembly.GetName().Version ?? new Version(0, 0);
}
