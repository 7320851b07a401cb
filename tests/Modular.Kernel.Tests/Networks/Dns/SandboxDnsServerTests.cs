using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Networks.Dns;
using Modular.Kernel.Networks.EtcFiles;
using Modular.Sdk.Conformance.Network;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Dns;

/// <summary>
/// The embedded resolver in a real network namespace (needs root): it answers on 127.0.0.11:53 inside the namespace
/// only, serves the engine's names, forwards the rest from the right namespace, over UDP and TCP.
/// </summary>
public sealed class SandboxDnsServerTests : IAsyncLifetime
{
    private const string ContainerId = "0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab0123";
    private readonly NetworkSandbox _namespace = NetworkSandbox.Create();
    private readonly Directory _directory = new();
    private readonly UpstreamDnsServer _upstream = new("outside.test", IPAddress.Parse("192.0.2.10"));
    private IReadOnlyList<ExternalNameServer> _upstreams = [];
    private SandboxDnsServer? _server;

    public ValueTask InitializeAsync()
    {
        _upstreams = [new ExternalNameServer(IPAddress.Loopback, HostLoopback: true)];
        var resolver = new EmbeddedResolver(_directory, new DnsForwarder { UpstreamPort = _upstream.Port }, NullLogger.Instance);
        _server = SandboxDnsServer.Start(ContainerId, _namespace.Path, ContainerEtcFiles.EmbeddedResolverAddress, 53,
            () => _upstreams, resolver, NullLogger.Instance);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await _upstream.DisposeAsync();
        _namespace.Dispose();
    }

    [Fact]
    public async Task A_container_name_resolves_to_its_address()
    {
        _directory.Names["db"] = [IPAddress.Parse("172.30.0.3")];

        var (code, answers) = await AskUdpAsync("DB", DnsType.A);

        Assert.Equal(DnsResponseCode.NoError, code);
        Assert.Equal([IPAddress.Parse("172.30.0.3")], answers.Select(a => a.Address));
        Assert.Equal(0, _upstream.Questions);
    }

    [Fact]
    public async Task A_known_name_without_an_ipv6_address_answers_empty_instead_of_forwarding()
    {
        _directory.Names["db"] = [IPAddress.Parse("172.30.0.3")];

        var (code, answers) = await AskUdpAsync("db", DnsType.Aaaa);

        Assert.Equal(DnsResponseCode.NoError, code);
        Assert.Empty(answers);
        Assert.Equal(0, _upstream.Questions);
    }

    [Fact]
    public async Task A_reverse_lookup_of_a_container_address_gives_its_name()
    {
        _directory.Reverse[IPAddress.Parse("172.30.0.3")] = "db.app";

        var (_, answers) = await AskUdpAsync("3.0.30.172.in-addr.arpa", DnsType.Ptr);

        Assert.Equal("db.app", answers.Single().Target);
    }

    [Fact]
    public async Task Other_names_are_forwarded_to_a_host_loopback_upstream_over_udp_and_tcp()
    {
        var (udpCode, udpAnswers) = await AskUdpAsync("outside.test", DnsType.A);
        var (tcpCode, tcpAnswers) = await AskTcpAsync("outside.test", DnsType.A);
        var (missingCode, _) = await AskUdpAsync("missing.test", DnsType.A);

        Assert.Equal(DnsResponseCode.NoError, udpCode);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], udpAnswers.Select(a => a.Address));
        Assert.Equal(DnsResponseCode.NoError, tcpCode);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], tcpAnswers.Select(a => a.Address));
        Assert.Equal(DnsResponseCode.NameError, missingCode);
        Assert.Equal(3, _upstream.Questions);
    }

    [Fact]
    public async Task A_dns_flag_upstream_is_asked_from_the_containers_namespace_where_the_hosts_loopback_is_not()
    {
        // The same address, but named by --dns: inside the namespace nothing listens there, so no answer comes.
        _upstreams = [new ExternalNameServer(IPAddress.Loopback, HostLoopback: false)];

        var (code, _) = await AskUdpAsync("outside.test", DnsType.A);

        Assert.Equal(DnsResponseCode.ServerFailure, code);
        Assert.Equal(0, _upstream.Questions);
    }

    [Fact]
    public void Nothing_listens_on_the_resolver_address_in_the_hosts_namespace()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.Throws<SocketException>(() => probe.Connect(new IPEndPoint(ContainerEtcFiles.EmbeddedResolverAddress, 53)));
    }

    private async Task<(DnsResponseCode, IReadOnlyList<DnsAnswer>)> AskUdpAsync(string name, DnsType type)
    {
        using var socket = NetworkNamespaceSockets.Socket(_namespace.Path, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(ContainerEtcFiles.EmbeddedResolverAddress, 53), timeout.Token);
        await socket.SendAsync(DnsMessage.WriteQuery(42, name, type), timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(42, DnsMessage.ReadId(buffer));
        return DnsMessage.ReadResponse(buffer.AsSpan(0, received));
    }

    private async Task<(DnsResponseCode, IReadOnlyList<DnsAnswer>)> AskTcpAsync(string name, DnsType type)
    {
        using var socket = NetworkNamespaceSockets.Socket(_namespace.Path, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(ContainerEtcFiles.EmbeddedResolverAddress, 53), timeout.Token);
        await using var stream = new NetworkStream(socket);
        await DnsTcpFraming.WriteAsync(stream, DnsMessage.WriteQuery(43, name, type), timeout.Token);
        var response = await DnsTcpFraming.ReadAsync(stream, timeout.Token);
        Assert.NotNull(response);
        return DnsMessage.ReadResponse(response);
    }

    /// <summary>The engine's side, reduced to two tables the tests fill.</summary>
    private sealed class Directory : INameDirectory
    {
        public Dictionary<string, List<IPAddress>> Names { get; } = new(StringComparer.Ordinal);

        public Dictionary<IPAddress, string> Reverse { get; } = [];

        public IReadOnlyList<IPAddress>? Lookup(string askingContainerId, string name, AddressFamily family) =>
            Names.TryGetValue(name, out var addresses) ? addresses.Where(a => a.AddressFamily == family).ToList() : null;

        public string? ReverseLookup(string askingContainerId, IPAddress address) => Reverse.GetValueOrDefault(address);
    }
}
