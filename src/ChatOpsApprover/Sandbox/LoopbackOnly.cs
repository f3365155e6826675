using System.Net;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Unless Sandbox:Enabled is true, the sandbox answers only someone on this machine: a loopback peer, naming a
/// loopback host (so a web page on another site cannot reach it through DNS rebinding), not relayed by a proxy
/// (a proxy on this machine would make everyone look local). Anyone else gets 404, as if it were not there.
/// </summary>
public sealed class LoopbackOnly(SandboxSettings settings) : IEndpointFilter
{
    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Forwarded"];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        settings.Reach switch
        {
            SandboxReach.Anywhere => next(context),
            SandboxReach.LoopbackOnly => IsLocal(context.HttpContext) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()),
            SandboxReach.Off => ValueTask.FromResult<object?>(Results.NotFound()),
        };

    public static bool IsLocal(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return false;
        }

        if (ForwardingHeaders.Any(context.Request.Headers.ContainsKey))
        {
            return false;
        }

        var host = context.Request.Host.Host;
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var named) && IPAddress.IsLoopback(named));
    }
}
