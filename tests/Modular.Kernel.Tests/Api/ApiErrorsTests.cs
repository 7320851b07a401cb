using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Modular.Kernel.Api;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Api;

public sealed class ApiErrorsTests
{
    [Theory]
    [InlineData(DriverErrorKind.NotFound, 404)]
    [InlineData(DriverErrorKind.Conflict, 409)]
    [InlineData(DriverErrorKind.InvalidArgument, 400)]
    [InlineData(DriverErrorKind.NotImplemented, 501)]
    [InlineData(DriverErrorKind.Unavailable, 503)]
    [InlineData(DriverErrorKind.Forbidden, 403)]
    [InlineData(DriverErrorKind.NotSupported, 500)]
    [InlineData(DriverErrorKind.Internal, 500)]
    public void Each_kind_has_its_status(DriverErrorKind kind, int status)
    {
        Assert.Equal(status, ApiErrors.StatusOf(kind));
        Assert.Equal((status, "the message"), ApiErrors.Describe(new DriverException(kind, "the message")));
    }

    [Fact]
    public void A_malformed_body_is_a_bad_request()
    {
        var json = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, string>>("{\"a\":"));

        var (status, message) = ApiErrors.Describe(json);

        Assert.Equal(400, status);
        Assert.Equal($"invalid JSON: {json.Message}", message);
    }

    [Fact]
    public void Other_failures_keep_their_status_or_are_internal()
    {
        Assert.Equal((413, "too big"), ApiErrors.Describe(new BadHttpRequestException("too big", 413)));
        Assert.Equal((499, "request canceled"), ApiErrors.Describe(new OperationCanceledException()));
        Assert.Equal((499, "request canceled"), ApiErrors.Describe(new TaskCanceledException()));
        Assert.Equal((500, "disk on fire"), ApiErrors.Describe(new IOException("disk on fire")));
    }
}
