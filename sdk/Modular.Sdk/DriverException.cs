namespace Modular.Sdk;

/// <summary>
/// The one exception type that crosses the plugin boundary. Drivers throw it with a <see cref="DriverErrorKind"/>;
/// any other exception escaping a driver is treated as <see cref="DriverErrorKind.Internal"/>.
/// </summary>
public class DriverException : Exception
{
    /// <summary>Creates a driver exception of the given kind.</summary>
    /// <param name="kind">What category of failure this is.</param>
    /// <param name="message">A message fit to show to the user as is.</param>
    /// <param name="inner">The underlying cause, if any.</param>
    public DriverException(DriverErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>The category of the failure.</summary>
    public DriverErrorKind Kind { get; }

    /// <summary>Shorthand for a <see cref="DriverErrorKind.NotFound"/> failure.</summary>
    public static DriverException NotFound(string message) => new(DriverErrorKind.NotFound, message);

    /// <summary>Shorthand for a <see cref="DriverErrorKind.Conflict"/> failure.</summary>
    public static DriverException Conflict(string message) => new(DriverErrorKind.Conflict, message);

    /// <summary>Shorthand for a <see cref="DriverErrorKind.InvalidArgument"/> failure.</summary>
    public static DriverException InvalidArgument(string message) => new(DriverErrorKind.InvalidArgument, message);

    /// <summary>Shorthand for a <see cref="DriverErrorKind.NotSupported"/> failure.</summary>
    public static DriverException NotSupported(string message) => new(DriverErrorKind.NotSupported, message);
}
