using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Modular.E2E.Tests.Harness;

/// <summary>How a test registry asks clients to authenticate, and whether it speaks TLS.</summary>
public enum RegistryMode
{
    Open,
    BasicAuth,
    Tls,
    Token,
}

/// <summary>
/// Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free port, with its storage, config, certificates
/// and htpasswd file in a temp folder; killed and deleted on dispose. 127.0.0.1 is an insecure registry by default for
/// both modulard and dockerd, so plain http and a self-signed certificate both work without daemon configuration.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string User = "e2e-user";
    public const string Password = "e2e-secret-password";
    private Process? _process;
    private TokenServer? _tokenServer;

    private RegistryServer(RegistryMode mode)
    {
        Mode = mode;
        Root = TempRoot.Create();
        Port = FreePort();
    }

    public RegistryMode Mode { get; }
    public string Root { get; }
    public int Port { get; }

    /// <summary>The registry as references name it: <c>127.0.0.1:&lt;port&gt;</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string StorageFolder => Path.Combine(Root, "storage");

    public TokenServer? Tokens => _tokenServer;

    public static async Task<RegistryServer> StartAsync(RegistryMode mode)
    {
        var server = new RegistryServer(mode);
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessAsync()
    {
        Directory.CreateDirectory(StorageFolder);
        var config = new List<string>
        {
            "version: 0.1",
            "log:",
            "  level: info",
            "storage:",
            "  filesystem:",
            $"    rootdirectory: {StorageFolder}",
            "  delete:",
            "    enabled: true",
            "http:",
            $"  addr: {Host}",
        };
        if (Mode == RegistryMode.Tls)
        {
            var (certificate, key) = await SelfSignedAsync("registry", "subjectAltName=IP:127.0.0.1");
            config.AddRange(["  tls:", $"    certificate: {certificate}", $"    key: {key}"]);
        }
        if (Mode == RegistryMode.BasicAuth)
        {
            var htpasswd = Path.Combine(Root, "htpasswd");
            var result = await CommandRunner.RunAsync("htpasswd", ["-Bbn", User, Password]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException("htpasswd failed: " + result);
            }
            await File.WriteAllTextAsync(htpasswd, result.Stdout);
            config.AddRange(["auth:", "  htpasswd:", "    realm: e2e-realm", $"    path: {htpasswd}"]);
        }
        if (Mode == RegistryMode.Token)
        {
            var (certificate, key) = await SelfSignedAsync("token-issuer", "basicConstraints=critical,CA:TRUE");
            _tokenServer = TokenServer.Start(key, certificate, User, Password);
            config.AddRange(
            [
                "auth:",
                "  token:",
                $"    realm: {_tokenServer.Realm}",
                $"    service: {TokenServer.Service}",
                $"    issuer: {TokenServer.Issuer}",
                $"    rootcertbundle: {certificate}",
            ]);
        }
        var configPath = Path.Combine(Root, "config.yml");
        await File.WriteAllLinesAsync(configPath, config);

        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec docker-registry serve \"$0\" </dev/null >>\"$1\" 2>&1");
        startInfo.ArgumentList.Add(configPath);
        startInfo.ArgumentList.Add(LogPath);
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start docker-registry");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}:\n{ReadLog()}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"docker-registry did not listen on {Host}:\n{ReadLog()}");
    }

    public string LogPath => Path.Combine(Root, "registry.log");

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no registry log)";

    /// <summary>The file holding a blob's bytes in the registry's filesystem storage.</summary>
    public string BlobDataPath(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageFolder, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    private async Task<(string Certificate, string Key)> SelfSignedAsync(string name, string extension)
    {
        var certificate = Path.Combine(Root, name + ".crt");
        var key = Path.Combine(Root, name + ".key");
        var result = await CommandRunner.RunAsync("openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=" + name, "-addext", extension]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("openssl failed: " + result);
        }
        return (certificate, key);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _tokenServer?.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
