using System.Net;
using System.Net.Sockets;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// A plain-http proxy in front of a <see cref="RegistryServer"/> that breaks layer downloads on purpose: the first
/// few GETs of a blob (<see cref="BreakNextBlobDownloads"/>) are cut off after half the body, or answered 503. Everything else passes through unchanged, with the Host header kept so
/// upload locations point back at the proxy.
/// </summary>
public sealed class RegistryFaultProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly string _target;
    private readonly Task _serving;
    private int _broken;

    public RegistryFaultProxy(RegistryServer registry)
    {
        _target = $"http://{registry.Host}";
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Whether broken downloads are answered 503 instead of being cut off mid-body.</summary>
    public bool AnswerServiceUnavailable { get; private set; }

    /// <summary>How many blob downloads were broken so far.</summary>
    public int Broken => Volatile.Read(ref _broken);

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
            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        try
        {
            var incoming = context.Request;
            if (await BreakUploadAsync(context) || BreakManifestFetch(context))
            {
                return;
            }
            var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), _target + incoming.RawUrl);
            if (incoming.HasEntityBody)
            {
                var body = new MemoryStream();
                await incoming.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
            }
            foreach (var name in incoming.Headers.AllKeys.OfType<string>())
            {
                if (name is "Host" or "Content-Length" or "Transfer-Encoding" or "Connection")
                {
                    continue;
                }
                if (!request.Headers.TryAddWithoutValidation(name, incoming.Headers.GetValues(name)!))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, incoming.Headers.GetValues(name)!);
                }
            }
            request.Headers.Host = Host;
            using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var content = await response.Content.ReadAsByteArrayAsync();
            // Layers only: configs are small, and a layer is what a client must be able to resume.
            var layerDownload = incoming.HttpMethod == "GET" && incoming.RawUrl!.Contains("/blobs/sha256:", StringComparison.Ordinal) &&
                content.Length > 4096;
            var breakThis = layerDownload && Interlocked.Decrement(ref _brokenBudget) >= 0;
            if (breakThis && AnswerServiceUnavailable)
            {
                Interlocked.Increment(ref _broken);
                context.Response.StatusCode = 503;
                context.Response.Close();
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (name is "Transfer-Encoding" or "Connection")
                {
                    continue;
                }
                if (name == "Content-Length")
                {
                    context.Response.ContentLength64 = long.Parse(values.First());
                    continue;
                }
                context.Response.Headers[name] = string.Join(",", values);
            }
            if (breakThis)
            {
                Interlocked.Increment(ref _broken);
                await context.Response.OutputStream.WriteAsync(content.AsMemory(0, content.Length / 2));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }
            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
    }

    private int _brokenBudget;
    private int _brokenUploadBudget;
    private int _brokenUploads;
    private int _brokenManifestBudget;
    private int _brokenManifests;

    /// <summary>How many layer uploads were broken so far.</summary>
    public int BrokenUploads => Volatile.Read(ref _brokenUploads);

    /// <summary>How many manifest fetches were answered 503 so far.</summary>
    public int BrokenManifestFetches => Volatile.Read(ref _brokenManifests);

    /// <summary>
    /// Answers the next <paramref name="count"/> uploads that carry a layer's bytes (PATCH or PUT into an upload
    /// session) with 503 once their body is read. (Cutting such a request off mid-body is not simulated: HttpListener's
    /// Abort still lets the client read a 200 answer.)
    /// </summary>
    public void BreakNextUploads(int count) => Volatile.Write(ref _brokenUploadBudget, count);

    /// <summary>Answers the next <paramref name="count"/> GETs of a manifest with 503.</summary>
    public void BreakNextManifestFetches(int count) => Volatile.Write(ref _brokenManifestBudget, count);

    private async Task<bool> BreakUploadAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        var carriesLayer = incoming.HttpMethod is "PATCH" or "PUT" && incoming.RawUrl!.Contains("/blobs/uploads/", StringComparison.Ordinal) &&
            incoming.HasEntityBody && incoming.ContentLength64 is -1 or > 4096;
        if (!carriesLayer || Interlocked.Decrement(ref _brokenUploadBudget) < 0)
        {
            return false;
        }
        Interlocked.Increment(ref _brokenUploads);
        var buffer = new byte[64 * 1024];
        while (await incoming.InputStream.ReadAsync(buffer) > 0)
        {
        }
        context.Response.StatusCode = 503;
        context.Response.Close();
        return true;
    }

    private bool BreakManifestFetch(HttpListenerContext context)
    {
        var incoming = context.Request;
        var fetch = incoming.HttpMethod == "GET" && incoming.RawUrl!.Contains("/manifests/", StringComparison.Ordinal);
        if (!fetch || Interlocked.Decrement(ref _brokenManifestBudget) < 0)
        {
            return false;
        }
        Interlocked.Increment(ref _brokenManifests);
        context.Response.StatusCode = 503;
        context.Response.Close();
        return true;
    }

    /// <summary>Breaks the next <paramref name="count"/> blob downloads.</summary>
    public void BreakNextBlobDownloads(int count, bool serviceUnavailable)
    {
        AnswerServiceUnavailable = serviceUnavailable;
        Volatile.Write(ref _brokenBudget, count);
    }

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
        _upstream.Dispose();
    }
}
