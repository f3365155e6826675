using Microsoft.AspNetCore.Antiforgery;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// GET/POST /enroll/{token} and GET/POST /stepup/{token}: the pages behind the links; POST …/{token}/passkey: a
/// passkey's answer from the same pages.
/// </summary>
public static class LinkPageEndpoints
{
    /// <summary>The form field of the code, as the page names it.</summary>
    public const string CodeField = "code";

    /// <summary>
    /// The largest code form accepted: the code, the anti-forgery token and form encoding take a few hundred bytes.
    /// Anything larger is refused with 413 before it is read, so uploads cannot take the memory revocation needs.
    /// </summary>
    public const int MaxFormBytes = 2 * 1024;

    /// <summary>The form fields of a passkey's answer (the browser's JSON) and, when registering, the name given to it.</summary>
    public const string CredentialField = "credential";

    public const string PasskeyNameField = "name";

    /// <summary>
    /// The largest passkey form accepted: an answer is a few hundred bytes to a few kilobytes (an attestation with a
    /// certificate chain, form-encoded). Anything larger is refused with 413 before it is read.
    /// </summary>
    public const int MaxPasskeyFormBytes = 24 * 1024;

    public static IEndpointRouteBuilder MapLinkPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/enroll/{token}", async (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/enroll/{token}", (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, MaxFormBytes, () => gate.ProblemAsync(LinkKind.Enrollment, token, context.RequestAborted), (form, client) => page.SubmitAsync(token, Code(form), client, context.RequestAborted)))
            .WithBodyLimit(MaxFormBytes);
        app.MapPost("/enroll/{token}/passkey", (HttpContext context, string token, EnrollmentPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, MaxPasskeyFormBytes, () => gate.ProblemAsync(LinkKind.Enrollment, token, context.RequestAborted),
                (form, client) => page.SubmitPasskeyAsync(token, form[PasskeyNameField].ToString(), form[CredentialField].ToString(), Code(form), client, context.RequestAborted)))
            .WithBodyLimit(MaxPasskeyFormBytes);
        app.MapGet("/stepup/{token}", async (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response) =>
            await response.WriteAsync(context, await page.ShowAsync(token, context.RequestAborted)));
        app.MapPost("/stepup/{token}", (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, MaxFormBytes, () => gate.ProblemAsync(LinkKind.StepUp, token, context.RequestAborted), (form, client) => page.SubmitAsync(token, Code(form), client, context.RequestAborted)))
            .WithBodyLimit(MaxFormBytes);
        app.MapPost("/stepup/{token}/passkey", (HttpContext context, string token, StepUpPageHandler page, LinkPageResponse response, IAntiforgery antiforgery, DeviceCookie device, LinkGate gate) =>
            SubmitAsync(context, response, antiforgery, device, MaxPasskeyFormBytes, () => gate.ProblemAsync(LinkKind.StepUp, token, context.RequestAborted),
                (form, client) => page.SubmitPasskeyAsync(token, form[CredentialField].ToString(), client, context.RequestAborted)))
            .WithBodyLimit(MaxPasskeyFormBytes);
        app.MapPasskeyScript();
        return app;
    }

    private static string Code(IFormCollection form)
    {
        var code = form[CodeField].ToString();
        return code.Length > 32 ? code[..32] : code;
    }

    /// <summary>
    /// A code or passkey form posted back. In order of cost: a declared size over the limit, then the link (one indexed read), then
    /// the body read up to the limit, then anti-forgery (only from the page itself), then the code. The device cookie is
    /// set when a code made the browser known.
    /// </summary>
    private static async Task SubmitAsync(
        HttpContext context,
        LinkPageResponse response,
        IAntiforgery antiforgery,
        DeviceCookie device,
        int maxBytes,
        Func<Task<LinkPageView?>> linkProblem,
        Func<IFormCollection, ClientInfo, Task<LinkPageView>> submit)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            await response.WriteAsync(context, LinkPageViews.FormTooLarge(maxBytes));
            return;
        }

        if (await linkProblem() is { } problem)
        {
            await response.WriteAsync(context, problem);
            return;
        }

        if (await Chat.InboundBody.ReadAsync(context, maxBytes) is not { } body)
        {
            await response.WriteAsync(context, LinkPageViews.FormTooLarge(maxBytes));
            return;
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            await response.WriteAsync(context, LinkPageViews.FormNotAccepted());
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var result = await submit(form, ClientInfo.Of(context, device));
        if (result.RememberDevice is { } id)
        {
            device.Write(context, id);
        }

        await response.WriteAsync(context, result);
    }
}
