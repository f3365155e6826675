using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.StepUp;

/// <summary>GET/POST /enroll/{token} and GET/POST /stepup/{token}: the pages behind the links.</summary>
public static class StepUpEndpoints
{
    public static IEndpointRouteBuilder MapStepUpPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/enroll/{token}", (HttpContext context, string token, StepUpVerifier verifier, IAntiforgery antiforgery, IOptions<StepUpOptions> options) =>
            ShowAsync(context, LinkPage.Enroll, token, verifier, antiforgery, options.Value));
        app.MapPost("/enroll/{token}", (HttpContext context, string token, StepUpVerifier verifier, IAntiforgery antiforgery, DeviceCookie device, IOptions<StepUpOptions> options) =>
            SubmitAsync(context, LinkPage.Enroll, token, verifier, antiforgery, device, options.Value));
        app.MapGet("/stepup/{token}", (HttpContext context, string token, StepUpVerifier verifier, IAntiforgery antiforgery, IOptions<StepUpOptions> options) =>
            ShowAsync(context, LinkPage.StepUp, token, verifier, antiforgery, options.Value));
        app.MapPost("/stepup/{token}", (HttpContext context, string token, StepUpVerifier verifier, IAntiforgery antiforgery, DeviceCookie device, IOptions<StepUpOptions> options) =>
            SubmitAsync(context, LinkPage.StepUp, token, verifier, antiforgery, device, options.Value));
        return app;
    }

    private static async Task ShowAsync(HttpContext context, LinkPage page, string token, StepUpVerifier verifier, IAntiforgery antiforgery, StepUpOptions options)
    {
        ApplyForwardedScheme(context, options);
        await WriteAsync(context, await verifier.ShowAsync(page, token, context.RequestAborted), antiforgery);
    }

    private static async Task SubmitAsync(HttpContext context, LinkPage page, string token, StepUpVerifier verifier, IAntiforgery antiforgery, DeviceCookie device, StepUpOptions options)
    {
        ApplyForwardedScheme(context, options);
        var resend = new PageModel(400, PageTone.Problem, "This form could not be accepted",
            "It did not come from this page, or the page was open too long. Nothing was changed.")
        {
            Next = "Open the link from chat again and enter a fresh code.",
        };
        if (!context.Request.HasFormContentType)
        {
            await WriteAsync(context, resend, antiforgery);
            return;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            await WriteAsync(context, resend, antiforgery);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var code = form[StepUpPages.CodeField].ToString();
        var client = new ClientInfo(device.Read(context), ClientAddress(context, options));
        var result = await verifier.SubmitAsync(page, token, code.Length > 32 ? code[..32] : code, client, context.RequestAborted);
        if (result.RememberDevice is { } id)
        {
            device.Write(context, id);
        }

        await WriteAsync(context, result, antiforgery);
    }

    private static async Task WriteAsync(HttpContext context, PageModel page, IAntiforgery antiforgery)
    {
        var nonce = StepUpPages.NewNonce();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = StepUpPages.ContentSecurityPolicy(nonce);
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        (string, string)? token = null;
        if (page.CodeForm)
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            token = (tokens.FormFieldName, tokens.RequestToken!);
        }

        // Anti-forgery sets its own cache headers; a page with a one-time link is never cached anywhere.
        headers.CacheControl = "no-store";
        context.Response.StatusCode = page.StatusCode;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(StepUpPages.Render(page, nonce, token), context.RequestAborted);
    }

    /// <summary>
    /// The address the person connected from. Behind trusted proxies, the right-most X-Forwarded-For entry that is not
    /// itself a trusted proxy; from anyone else, the header is ignored (it is trivially forged).
    /// </summary>
    public static string ClientAddress(HttpContext context, StepUpOptions options)
    {
        var remote = Normalize(context.Connection.RemoteIpAddress);
        if (remote is null)
        {
            return "unknown";
        }

        var trusted = options.TrustedProxies.Select(p => Normalize(IPAddress.Parse(p))).ToHashSet();
        if (!trusted.Contains(remote))
        {
            return remote.ToString();
        }

        var hops = context.Request.Headers["X-Forwarded-For"].SelectMany(v => (v ?? string.Empty).Split(',')).Select(h => h.Trim()).ToList();
        var current = remote;
        for (var i = hops.Count - 1; i >= 0 && trusted.Contains(current); i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                break;
            }

            current = Normalize(hop)!;
        }

        return current.ToString();
    }

    /// <summary>
    /// Behind a trusted proxy that ended TLS, the request is https as far as cookies are concerned (so they are marked
    /// Secure). X-Forwarded-Proto from anyone else is ignored.
    /// </summary>
    public static void ApplyForwardedScheme(HttpContext context, StepUpOptions options)
    {
        var remote = Normalize(context.Connection.RemoteIpAddress);
        if (remote is null || !options.TrustedProxies.Any(p => Normalize(IPAddress.Parse(p))!.Equals(remote)))
        {
            return;
        }

        var proto = context.Request.Headers["X-Forwarded-Proto"].ToString().Split(',').LastOrDefault()?.Trim();
        if (string.Equals(proto, "https", StringComparison.OrdinalIgnoreCase))
        {
            context.Request.Scheme = "https";
        }
    }

    private static IPAddress? Normalize(IPAddress? address) =>
        address is not null && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
