namespace Modular.Sdk;

/// <summary>
/// The category of a driver failure. The kernel maps each kind to one HTTP status in one place,
/// so a driver only says what went wrong, never how the API reports it.
/// </summary>
public enum DriverErrorKind
{
    /// <summary>An internal failure of the driver or the host (HTTP 500).</summary>
    Internal = 0,
    /// <summary>The object the caller named does not exist (HTTP 404).</summary>
    NotFound,
    /// <summary>The object already exists or is in a state that forbids the operation (HTTP 409).</summary>
    Conflict,
    /// <summary>The caller passed a bad option or argument (HTTP 400).</summary>
    InvalidArgument,
    /// <summary>The driver cannot work on this host, e.g. a missing kernel module (HTTP 500, driver not loaded).</summary>
    NotSupported,
    /// <summary>The operation is valid but this driver does not implement it (HTTP 501).</summary>
    NotImplemented,
    /// <summary>A resource the driver depends on is temporarily unavailable (HTTP 503).</summary>
    Unavailable,
    /// <summary>The operation is never allowed on this object, e.g. removing a predefined network (HTTP 403).</summary>
    Forbidden,
}
