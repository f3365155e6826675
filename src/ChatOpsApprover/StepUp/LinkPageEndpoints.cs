using Microsoft.AspNetCore.Antiforgery;

namespace ChatOpsApprover.StepUp;

/// <summary>GET/POST /enroll/{token} and GET/POST /stepup/{token}: the pages behind the links.</summary>
public static class LinkPageEndpoints
{
    /// <summary>The form field of the code, as the page names it.</summary>
    public const string CodeField = "code";

    public static IEndpointRouteBuilder MapLinkPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/enroll/{token}", async (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/enroll/{token}", (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device) =>
            SubmitAsync(context, response, antiforgery, device, (code, client) => page.SubmitAsync(token, code, client, context.RequestAborted)));
        app.MapGet("/stepup/{token}", async (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/stepup/{token}", (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device) =>
            SubmitAsync(context, response, antiforgery, device, (code, client) => page.SubmitAsync(token, code, client, context.RequestAborted)));
        return app;
    }

    /// <summary>A code form posted back: only from the page itself (anti-forgery), and the device cookie set when a code made the browser known.</summary>
    private static async Task SubmitAsync(HttpContext context, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, Func<string, ClientInfo, Task<LinkPageView>> submit)
    {
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            await response.WriteAsync(context, LinkPageViews.FormNotAccepted());
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var code = form[CodeField].ToString();
        var result = await submit(code.Length > 32 ? code[..32] : code, ClientInfo.Of(context, device));
        if (result.RememberDevice is { } id)
        {
            device.Write(context, id);
        }

        await response.WriteAsync(context, result);
    }
}
