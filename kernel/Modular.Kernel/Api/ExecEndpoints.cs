using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Api.Streams;
using Modular.Kernel.Containers;
using Modular.Kernel.Streams;
using Modular.Sdk;

namespace Modular.Kernel.Api;

/// <summary>`docker exec`: create, start (hijacked, or detached), inspect, resize.</summary>
public static class ExecEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/{id}/exec", async (HttpContext context, string id, ExecService execs) =>
        {
            var config = await HttpJson.ReadAsync(context, ApiJson.Default.ExecConfig);
            var exec = execs.Create(id, config);
            await HttpJson.WriteAsync(context, StatusCodes.Status201Created, new IdResponse { Id = exec.Id }, ApiJson.Default.IdResponse);
        });

        app.MapPost("/exec/{id}/start", async (HttpContext context, string id, ExecService execs) =>
        {
            var exec = execs.Get(id);
            var start = context.Request.Headers.TryGetValue(Transport.HijackRequestRewriter.BodyHeader, out var moved)
                ? System.Text.Json.JsonSerializer.Deserialize(Convert.FromBase64String(moved.ToString()), ApiJson.Default.ExecStartConfig) ?? new ExecStartConfig()
                : context.Request.ContentLength is > 0
                    ? await HttpJson.ReadAsync(context, ApiJson.Default.ExecStartConfig)
                    : new ExecStartConfig();
            if (start.Detach)
            {
                await execs.StartAsync(exec, context.RequestAborted);
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            var output = exec.Hub.Subscribe(exec.Config.AttachStdout, exec.Config.AttachStderr);
            await using var session = await HijackedSession.OpenAsync(context, exec.Config.Tty);
            try
            {
                await execs.StartAsync(exec, CancellationToken.None);
            }
            catch (DriverException e)
            {
                // The connection is already hijacked: like dockerd, the reason goes to the client as output and the
                // exec records exit code 126 or 127 for `docker exec` to return.
                await session.WriteAsync(StdStreamKind.Stdout, Encoding.UTF8.GetBytes(e.Message + "\r\n"));
                return;
            }
            if (exec.Config.AttachStdin)
            {
                session.ForwardStdin(exec.Stdin, closeOnEof: true, DetachKeys.Parse(exec.Config.DetachKeys),
                    () => { });
            }
            await session.PumpOutputAsync(output);
        });

        app.MapGet("/exec/{id}/json", (HttpContext context, string id, ExecService execs) =>
        {
            var exec = execs.Get(id);
            var inspect = new ExecInspect
            {
                ID = exec.Id,
                ContainerID = exec.Container.Id,
                Running = exec.Running,
                ExitCode = exec.ExitCode,
                Pid = exec.Pid,
                OpenStdin = exec.Config.AttachStdin,
                OpenStdout = exec.Config.AttachStdout,
                OpenStderr = exec.Config.AttachStderr,
                DetachKeys = exec.Config.DetachKeys,
                CanRemove = false,
                ProcessConfig = new ExecProcessConfig
                {
                    Entrypoint = exec.Config.Cmd![0],
                    Arguments = exec.Config.Cmd.Skip(1).ToList(),
                    Privileged = exec.Config.Privileged,
                    Tty = exec.Config.Tty,
                    User = exec.Config.User.Length > 0 ? exec.Config.User : null,
                },
            };
            return HttpJson.WriteAsync(context, 200, inspect, ApiJson.Default.ExecInspect);
        });

        app.MapPost("/exec/{id}/resize", (HttpContext context, string id, ExecService execs) =>
        {
            var exec = execs.Get(id);
            if (!exec.Config.Tty)
            {
                throw DriverException.InvalidArgument($"exec {id} has no TTY: there is nothing to resize");
            }
            exec.Terminal?.Resize((ushort)(Query.Int(context, "h") ?? 0), (ushort)(Query.Int(context, "w") ?? 0));
            return Results.Ok();
        });
    }
}
