using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Kernel.Plugins;
using Modular.Kernel.Plugins.Installed;

namespace Modular.Kernel.Api;

/// <summary>
/// Installed driver plugins, under <c>/modular/plugins</c> (Docker's own <c>/plugins</c> is its managed-plugin API,
/// which the docker CLI drives for something else). Install and enable load the plugin at once; disable and remove
/// apply at the next daemon start, since a loaded driver is never unloaded.
/// </summary>
public static class PluginEndpoints
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/modular/plugins", (HttpContext context, InstalledPluginStore store, InstalledPluginActivator activator) =>
            Write(context, 200, store.All.Select(p => View(p, store, activator)).ToList()));

        app.MapGet("/modular/plugins/{name}", (HttpContext context, string name, InstalledPluginStore store, InstalledPluginActivator activator) =>
            Write(context, 200, View(store.Get(name), store, activator)));

        app.MapPost("/modular/plugins/install", async (HttpContext context, InstalledPluginStore store, InstalledPluginActivator activator) =>
        {
            // The zip reader needs to seek; a package is megabytes, so it is buffered in a temporary file, not in memory.
            var buffer = Path.Combine(store.Root, $".upload-{Guid.NewGuid():N}.nupkg");
            Directory.CreateDirectory(store.Root);
            try
            {
                await using (var file = File.Create(buffer))
                {
                    await context.Request.Body.CopyToAsync(file, context.RequestAborted);
                }
                await using var package = File.OpenRead(buffer);
                var plugin = activator.Activate(store.Install(package));
                await Write(context, 201, View(plugin, store, activator));
            }
            finally
            {
                File.Delete(buffer);
            }
        });

        app.MapPost("/modular/plugins/{name}/enable", (HttpContext context, string name, InstalledPluginStore store, InstalledPluginActivator activator) =>
            Write(context, 200, View(activator.Activate(store.SetEnabled(name, enabled: true)), store, activator)));

        app.MapPost("/modular/plugins/{name}/disable", (string name, InstalledPluginStore store, DriverCatalog catalog, PluginUsage usage) =>
        {
            var plugin = store.Get(name);
            usage.RefuseIfInUse(plugin, DriversOf(plugin, catalog), "disabled");
            store.SetEnabled(name, enabled: false);
            return Results.NoContent();
        });

        app.MapDelete("/modular/plugins/{name}", (string name, InstalledPluginStore store, DriverCatalog catalog, PluginUsage usage) =>
        {
            var plugin = store.Get(name);
            usage.RefuseIfInUse(plugin, DriversOf(plugin, catalog), "removed");
            store.Remove(plugin.Id);
            return Results.NoContent();
        });
    }

    private static IEnumerable<string> DriversOf(InstalledPlugin plugin, DriverCatalog catalog) => plugin.Drivers.Concat(catalog.DriversOf(plugin.Id));

    private static PluginView View(InstalledPlugin plugin, InstalledPluginStore store, InstalledPluginActivator activator) => new(
        plugin.Id,
        plugin.Version,
        plugin.Enabled,
        activator.IsActive(plugin.Id),
        plugin.Drivers,
        plugin.SdkVersion,
        plugin.Error,
        store.PayloadFolder(plugin),
        plugin.Assembly,
        plugin.InstalledAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"));

    private static Task Write<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = HttpJson.ContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, value, Json, context.RequestAborted);
    }

    /// <summary>An installed plugin on the wire. Active: loaded by this daemon run (install and enable apply at the next start).</summary>
    private sealed record PluginView(
        string Name,
        string Version,
        bool Enabled,
        bool Active,
        IReadOnlyList<string> Drivers,
        string SdkVersion,
        string? Error,
        string Path,
        string Assembly,
        string InstalledAt);
}
