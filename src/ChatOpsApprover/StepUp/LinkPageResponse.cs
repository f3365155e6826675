using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Writes a link's page with the headers every one of them carries: a strict Content-Security-Policy with a
/// per-response nonce, never cached, never framed, no referrer.
/// </summary>
public sealed class LinkPageResponse(LinkPageRenderer renderer, IAntiforgery antiforgery)
{
    public async Task WriteAsync(HttpContext context, LinkPageView page)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce, page.Script is not null);
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        LinkFormToken? formToken = null;
        if (page.CodeForm || page.Passkey is not null)
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            formToken = new LinkFormToken(tokens.FormFieldName, tokens.RequestToken!);
        }

        // Set after anti-forgery, which sets cache headers of its own: a page behind a one-time link is never cached anywhere.
        headers.CacheControl = "no-store";
        context.Response.StatusCode = page.StatusCode;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(await renderer.RenderAsync(page, nonce, formToken), context.RequestAborted);
    }

    /// <summary>Nothing but the nonced style block, inline images (the QR code), and, on a page that has one, its nonced script.</summary>
    public static string ContentSecurityPolicy(string nonce, bool script) =>
        $"default-src 'none'; style-src 'nonce-{nonce}'; " + (script ? $"script-src 'nonce-{nonce}'; " : string.Empty) +
        "img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
