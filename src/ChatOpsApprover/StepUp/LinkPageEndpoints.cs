using Microsoft.AspNetCore.Antiforgery;

namespace ChatOpsApprover.StepUp;

/// <summary>GET/POST /enroll/{token} and GET/POST /stepup/{token}: the pages behind the links.</summary>
public static class LinkPageEndpoints
{
    /// <summary>The form field of the code, as the page names it.</summary>
    public const string CodeField = "code";

    /// <summary>
    /// The largest code form accepted: the code, the anti-forgery token and form encoding take a few hundred bytes.
    /// Anything larger is refused with 413 before it is read, so uploads cannot take the memory revocation needs.
    /// </summary>
    public const int MaxFormBytes = 2 * 1024;

    public static IEndpointRouteBuilder MapLinkPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/enroll/{token}", async (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/enroll/{token}", (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, () => gate.ProblemAsync(LinkKind.Enrollment, token, context.RequestAborted), (code, client) => page.SubmitAsync(token, code, client, context.RequestAborted)))
            .WithBodyLimit(MaxFormBytes);
        app.MapGet("/stepup/{token}", async (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/stepup/{token}", (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, () => gate.ProblemAsync(LinkKind.StepUp, token, context.RequestAborted), (code, client) => page.SubmitAsync(token, code, client, context.RequestAborted)))
            .WithBodyLimit(MaxFormBytes);
        return app;
    }

    /// <summary>
    /// A code form posted back. In order of cost: a declared size over the limit, then the link (one indexed read), then
    /// the body read up to the limit, then anti-forgery (only from the page itself), then the code. The device cookie is
    /// set when a code made the browser known.
    /// </summary>
    private static async Task SubmitAsync(
        HttpContext context,
        LinkPageResponse response,
        IAntiforgery antiforgery,
        DeviceCookie device,
        Func<Task<LinkPageView?>> linkProblem,
        Func<string, ClientInfo, Task<LinkPageView>> submit)
    {
        if (context.Request.ContentLength > MaxFormBytes)
        {
            await response.WriteAsync(context, LinkPageViews.FormTooLarge(MaxFormBytes));
            return;
        }

        if (await linkProblem() is { } problem)
        {
            await response.WriteAsync(context, problem);
            return;
        }

        if (await Chat.InboundBody.ReadAsync(context, MaxFormBytes) is not { } body)
        {
            await response.WriteAsync(context, LinkPageViews.FormTooLarge(MaxFormBytes));
            return;
        }

        context.Request.Body = new MemoryStream(body, writable: false);
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
