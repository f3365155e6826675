using System.Net;

namespace ChatOpsApprover.StepUp;

/// <summary>Where a code came from: the device id in the browser's signed cookie (if any) and the client's address.</summary>
public sealed record ClientInfo(string? DeviceId, string Address)
{
    /// <summary>
    /// The request's client. Its address is the connection's, which the forwarded-headers middleware has already
    /// replaced by the client's own when the request came through trusted proxies (StepUp:TrustedProxies).
    /// </summary>
    public static ClientInfo Of(HttpContext context, DeviceCookie device) =>
        new(device.Read(context), AddressOf(context.Connection.RemoteIpAddress));

    /// <summary>IPv4 clients of a dual-stack listener arrive as IPv4-mapped IPv6 addresses; they are stored as IPv4.</summary>
    private static string AddressOf(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
