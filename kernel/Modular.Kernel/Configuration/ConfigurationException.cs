namespace Modular.Kernel.Configuration;

/// <summary>The daemon's configuration is unusable; the message names the offending key and is printed as is.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
