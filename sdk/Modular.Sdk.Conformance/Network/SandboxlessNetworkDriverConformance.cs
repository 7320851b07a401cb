using Modular.Sdk.Network;
using Xunit;

namespace Modular.Sdk.Conformance.Network;

/// <summary>
/// The contract of the built-in network drivers that plumb nothing (<c>none</c>, <c>host</c>): every lifecycle
/// call succeeds, repeats safely, allocates no address, and leaves the container's namespace as the kernel made it.
/// Joining uses a real network namespace created for the test (needs root and iproute2's <c>ip</c>).
/// </summary>
public abstract class SandboxlessNetworkDriverConformance
{
    private static readonly NetworkSpec Network = new(new string('a', 64), "conformance", new Dictionary<string, string>());
    private static readonly EndpointSpec Endpoint = new(new string('c', 64), new Dictionary<string, string>());
    private const string EndpointId = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

    /// <summary>Returns the driver under test. Called once per test.</summary>
    protected abstract INetworkDriver CreateDriver();

    /// <summary>The name users select the driver by.</summary>
    protected abstract string ExpectedName { get; }

    /// <summary>Which namespace the driver's containers use.</summary>
    protected abstract SandboxKind ExpectedSandbox { get; }

    [Fact]
    public void It_declares_its_name_a_local_scope_that_users_cannot_create_its_networks_and_that_it_changes_no_sandbox()
    {
        var driver = CreateDriver();

        Assert.Equal(ExpectedName, driver.Name);
        Assert.Equal(new NetworkCapabilities(ExpectedSandbox, "local", UserDefinable: false) { ChangesSandbox = false }, driver.Capabilities);
    }

    [Fact]
    public void Creating_and_deleting_the_network_is_idempotent()
    {
        var driver = CreateDriver();

        driver.CreateNetwork(Network);
        driver.CreateNetwork(Network);
        driver.DeleteNetwork(Network.Id);
        driver.DeleteNetwork(Network.Id);
    }

    [Fact]
    public void An_endpoint_gets_no_address()
    {
        var driver = CreateDriver();
        driver.CreateNetwork(Network);

        var info = driver.CreateEndpoint(Network.Id, EndpointId, Endpoint);

        Assert.Equal(new EndpointInfo(), info);
        driver.DeleteEndpoint(Network.Id, EndpointId);
        driver.DeleteNetwork(Network.Id);
    }

    [Fact]
    public void Deleting_a_missing_endpoint_is_not_an_error()
    {
        var driver = CreateDriver();
        driver.CreateNetwork(Network);

        driver.DeleteEndpoint(Network.Id, EndpointId);
        driver.DeleteEndpoint(Network.Id, EndpointId);
    }

    [Fact]
    public void A_full_endpoint_lifecycle_leaves_the_namespace_untouched()
    {
        var driver = CreateDriver();
        using var sandbox = ExpectedSandbox == SandboxKind.Private ? NetworkSandbox.Create() : null;
        var sandboxKey = sandbox?.Path ?? "/proc/1/ns/net";
        var linksBefore = sandbox?.LinkNames() ?? HostLinkNames();

        driver.CreateNetwork(Network);
        driver.CreateEndpoint(Network.Id, EndpointId, Endpoint);
        driver.Join(Network.Id, EndpointId, sandboxKey);
        var linksWhileJoined = sandbox?.LinkNames() ?? HostLinkNames();
        driver.Leave(Network.Id, EndpointId);
        driver.DeleteEndpoint(Network.Id, EndpointId);
        driver.DeleteNetwork(Network.Id);

        Assert.Equal(linksBefore, linksWhileJoined);
        if (sandbox is not null)
        {
            Assert.Equal(["lo"], linksWhileJoined);
        }
    }

    private static string[] HostLinkNames() =>
        Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
}
