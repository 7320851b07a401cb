using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// A token server for a registry configured with <c>auth: token</c> (Docker's token authentication spec): GET
/// /token?service=&amp;scope=... with Basic credentials answers a JWT (RS256, the signing certificate in the x5c header,
/// the same certificate as the registry's rootcertbundle) granting the requested actions; wrong or missing
/// credentials get 401. Every request's scopes are recorded so tests can see what clients asked for.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Service = "modular-e2e-registry";
    public const string Issuer = "modular-e2e-token-issuer";
    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create();
    private readonly string _certificateBase64;
    private readonly string _user;
    private readonly string _password;
    private readonly Task _serving;

    private TokenServer(string keyPem, string certificatePem, string user, string password, int port)
    {
        _key.ImportFromPem(File.ReadAllText(keyPem));
        _certificateBase64 = Convert.ToBase64String(X509Certificate2.CreateFromPem(File.ReadAllText(certificatePem)).RawData);
        _user = user;
        _password = password;
        Realm = $"http://127.0.0.1:{port}/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Realm { get; }

    /// <summary>The scope parameters of every token request, in order (anonymous and refused ones included).</summary>
    public List<string> RequestedScopes { get; } = [];

    public static TokenServer Start(string keyPem, string certificatePem, string user, string password)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new TokenServer(keyPem, certificatePem, user, password, port);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                Answer(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var scopes = context.Request.QueryString.GetValues("scope") ?? [];
        lock (RequestedScopes)
        {
            RequestedScopes.AddRange(scopes);
        }
        var authorization = context.Request.Headers["Authorization"];
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
        if (authorization != expected)
        {
            context.Response.StatusCode = 401;
            Write(context, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"incorrect username or password\"}]}");
            return;
        }
        var access = new JsonArray();
        foreach (var scope in scopes.SelectMany(s => s.Split(' ')))
        {
            var parts = scope.Split(':');
            if (parts.Length == 3)
            {
                access.Add(new JsonObject
                {
                    ["type"] = parts[0],
                    ["name"] = parts[1],
                    ["actions"] = new JsonArray(parts[2].Split(',').Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                });
            }
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = _user,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            ["access"] = access,
        };
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(_certificateBase64) };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var token = signingInput + "." + Base64Url(signature);
        context.Response.StatusCode = 200;
        Write(context, JsonSerializer.Serialize(new Dictionary<string, object> { ["token"] = token, ["access_token"] = token, ["expires_in"] = 300 }));
    }

    private static void Write(HttpListenerContext context, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _key.Dispose();
    }
}
