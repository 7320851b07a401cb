namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// The state file of one installed plugin, <c>&lt;data-root&gt;/plugins/&lt;id&gt;/plugin.json</c>; its payload is in
/// <c>&lt;id&gt;/&lt;version&gt;/driver/</c>.
/// </summary>
/// <param name="Id">The package id, which is the plugin's name in every command.</param>
/// <param name="Version">The installed package version.</param>
/// <param name="Assembly">The driver assembly inside the payload.</param>
/// <param name="SdkVersion">The Modular.Sdk version it was built against.</param>
/// <param name="Enabled">Whether the daemon loads it at start.</param>
/// <param name="Error">Why it was disabled by the daemon (a failed load), or null.</param>
/// <param name="Drivers">The drivers it registered when it last loaded, as "kind/name".</param>
/// <param name="InstalledAt">When it was installed.</param>
public sealed record InstalledPlugin(
    string Id,
    string Version,
    string Assembly,
    string SdkVersion,
    bool Enabled,
    string? Error,
    IReadOnlyList<string> Drivers,
    DateTimeOffset InstalledAt);
