using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// Requests to one repository on one registry endpoint, authorized as the registry demands: on a 401 the
/// WWW-Authenticate challenge is answered with Basic credentials or with a bearer token fetched from the challenge's
/// realm for this repository's scope (pull, or pull,push), and the request is sent again. Redirects (blob storage) are
/// followed without our credentials.
/// </summary>
internal sealed class RegistrySession
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly RegistryCredentials _credentials;
    private readonly string _actions;
    private AuthenticationHeaderValue? _authorization;

    public RegistrySession(RegistryHttp http, RegistryEndpoint endpoint, string repository, bool push, RegistryCredentials credentials)
    {
        _http = http.For(endpoint);
        Endpoint = endpoint;
        Repository = repository;
        _credentials = credentials;
        _actions = push ? "pull,push" : "pull";
    }

    public RegistryEndpoint Endpoint { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>Repositories blobs may be mounted from: their pull scope is asked for with the next token.</summary>
    public List<string> ExtraPullScopes { get; } = [];

    public Uri Url(string relative) => new(Endpoint.BaseUri, $"v2/{Repository}/{relative}");

    /// <summary>
    /// GET /v2/ and answers its challenge, so that requests whose bodies cannot be sent twice (uploads) go out
    /// authorized. Fails when the endpoint is unreachable or refuses the credentials.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint.BaseUri, "v2/")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new DriverException(DriverErrorKind.Forbidden,
                $"Get \"{Endpoint.BaseUri}v2/\": {await ReasonAsync(response, cancellationToken)}");
        }
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw await RegistryErrors.FromResponseAsync(response, $"Get \"{Endpoint.BaseUri}v2/\"", cancellationToken);
        }
    }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (it is called again for a retry, so it must make a fresh one);
    /// answers one auth challenge and follows redirects. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken,
        bool replayable = true)
    {
        var response = await SendAuthorizedAsync(build(), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && replayable)
        {
            var challenges = AuthChallenge.ParseAll(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            if (await AuthorizeAsync(challenges, cancellationToken))
            {
                response.Dispose();
                response = await SendAuthorizedAsync(build(), cancellationToken);
            }
        }
        for (var hops = 0; IsRedirect(response.StatusCode) && response.Headers.Location is { } location && hops < MaxRedirects; hops++)
        {
            var original = build();
            var target = location.IsAbsoluteUri ? location : new Uri(original.RequestUri!, location);
            response.Dispose();
            var redirected = new HttpRequestMessage(original.Method, target);
            foreach (var header in original.Headers.Where(h => h.Key != "Authorization"))
            {
                redirected.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            // Only the registry itself gets our credentials, never the storage it redirects to.
            response = target.Authority == Endpoint.BaseUri.Authority
                ? await SendAuthorizedAsync(redirected, cancellationToken)
                : await _http.SendAsync(redirected, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{request.Method} \"{request.RequestUri}\": {Innermost(e).Message}", e);
        }
    }

    private async Task<bool> AuthorizeAsync(IReadOnlyList<AuthChallenge> challenges, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_credentials.RegistryToken))
        {
            _authorization = new AuthenticationHeaderValue("Bearer", _credentials.RegistryToken);
            return true;
        }
        if (challenges.FirstOrDefault(c => c.IsBearer && !string.IsNullOrEmpty(c["realm"])) is { } bearer)
        {
            _authorization = new AuthenticationHeaderValue("Bearer", await FetchTokenAsync(bearer, cancellationToken));
            return true;
        }
        if (challenges.Any(c => c.IsBasic) && _credentials.HasUserPassword)
        {
            var basic = new AuthenticationHeaderValue("Basic", _credentials.BasicHeaderValue());
            var changed = _authorization?.ToString() != basic.ToString();
            _authorization = basic;
            return changed;
        }
        return false;
    }

    /// <summary>The token endpoint of the challenge: GET with Basic credentials, or the OAuth refresh-token POST for an identity token.</summary>
    private async Task<string> FetchTokenAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var scopes = new List<string>();
        if (Repository.Length > 0)
        {
            scopes.Add($"repository:{Repository}:{_actions}");
        }
        scopes.AddRange(ExtraPullScopes.Distinct().Select(repository => $"repository:{repository}:pull"));
        var service = challenge["service"];
        var realm = new Uri(challenge["realm"]!);
        HttpRequestMessage request;
        if (!string.IsNullOrEmpty(_credentials.IdentityToken))
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", _credentials.IdentityToken),
                new("client_id", "modular"),
            };
            if (service is not null)
            {
                form.Add(new("service", service));
            }
            form.Add(new("scope", string.Join(' ', scopes)));
            request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }
        else
        {
            var query = new List<string>();
            if (service is not null)
            {
                query.Add("service=" + Uri.EscapeDataString(service));
            }
            query.AddRange(scopes.Select(scope => "scope=" + Uri.EscapeDataString(scope)));
            if (_credentials.HasUserPassword)
            {
                query.Add("account=" + Uri.EscapeDataString(_credentials.Username!));
            }
            var builder = new UriBuilder(realm) { Query = string.Join('&', new[] { realm.Query.TrimStart('?') }.Where(q => q.Length > 0).Concat(query)) };
            request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (_credentials.HasUserPassword)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials.BasicHeaderValue());
            }
        }
        using (request)
        using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var reason = RegistryErrors.Describe(body) ?? (response.StatusCode == HttpStatusCode.Unauthorized
                    ? "unauthorized: incorrect username or password"
                    : $"{(int)response.StatusCode} {response.ReasonPhrase}");
                throw new DriverException(DriverErrorKind.Forbidden, $"Get \"{realm}\": {reason}");
            }
            try
            {
                using var document = JsonDocument.Parse(body);
                foreach (var name in new[] { "token", "access_token" })
                {
                    if (document.RootElement.TryGetProperty(name, out var token) && token.GetString() is { Length: > 0 } value)
                    {
                        return value;
                    }
                }
            }
            catch (JsonException)
            {
            }
            throw new DriverException(DriverErrorKind.Forbidden, $"the token server {realm} answered without a token");
        }
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        RegistryErrors.Describe(await response.Content.ReadAsByteArrayAsync(cancellationToken)) ?? "unauthorized: authentication required";

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
