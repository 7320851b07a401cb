using Modular.E2E.Tests.Harness;
using Xunit;

// One daemon at a time: 2 cores, and the crash test kills a daemon while the shared one serves others.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Modular.E2E.Tests.Tests;

/// <summary>The tests that can share one daemon (each uses its own container names) run against this one.</summary>
[CollectionDefinition(Name)]
public sealed class DaemonCollection : ICollectionFixture<PrivateDaemon>
{
    public const string Name = "shared private daemon";
}
