namespace Modular.Kernel.Plugins;

public enum DriverKind
{
    Storage,
    Network,
    Logging,
}
