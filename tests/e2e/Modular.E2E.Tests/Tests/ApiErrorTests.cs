using System.Net;
using System.Text;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Bad input must come back as Docker's status codes with a JSON {"message": ...} body the CLI can print.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ApiErrorTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task MalformedJsonOnCreateIsBadRequest()
    {
        var (status, message) = await PostJsonAsync("containers/create", "{\"Image\": \"busybox\",");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public async Task CreateFromAnUnknownImageIsNotFound()
    {
        var (status, message) = await PostJsonAsync("containers/create", "{\"Image\": \"x\"}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No such image: x", message);
    }

    [Fact]
    public async Task DockerRunOfAnUnknownImageSaysNoSuchImage()
    {
        // --pull never: there is no registry here, and the point is the daemon's own answer to create.
        var run = await daemon.Docker("run", "--rm", "--pull", "never", "nosuchimage");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("No such image", run.Stderr);
    }

    [Fact]
    public async Task DuplicateContainerNameIsConflict()
    {
        var name = Names.Unique("dup");
        var first = await daemon.Docker("create", "--name", name, "busybox", "true");
        Assert.True(first.ExitCode == 0, first.ToString());
        try
        {
            var (status, message) = await PostJsonAsync($"containers/create?name={name}", "{\"Image\": \"busybox\"}");
            var second = await daemon.Docker("create", "--name", name, "busybox", "true");

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains(name, message);
            Assert.True(second.ExitCode != 0, second.ToString());
            Assert.Contains(name, second.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task RemovingARunningContainerWithoutForceIsConflict()
    {
        var name = Names.Unique("busy");
        var run = await daemon.Docker("run", "-d", "--name", name, "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            using var response = await daemon.Api.DeleteAsync($"containers/{name}", TestContext.Current.CancellationToken);
            var message = ErrorMessage(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var cliRemove = await daemon.Docker("rm", name);
            var state = await daemon.Docker("inspect", "--format", "{{.State.Status}}", name);

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(message));
            Assert.True(cliRemove.ExitCode != 0, cliRemove.ToString());
            Assert.Equal("running\n", state.Stdout);
        }
        finally
        {
            var forced = await daemon.Docker("rm", "-f", name);
            Assert.True(forced.ExitCode == 0, forced.ToString());
        }
    }

    private async Task<(HttpStatusCode Status, string Message)> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync(path, content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, ErrorMessage(body));
    }

    /// <summary>The "message" of a Docker error body; fails the test if the body is not that shape.</summary>
    private static string ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            Assert.True(
                document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String,
                $"error body has no string \"message\": {body}");
            return message.GetString()!;
        }
        catch (JsonException exception)
        {
            Assert.Fail($"error body is not JSON ({exception.Message}): {body}");
            throw;
        }
    }
}
