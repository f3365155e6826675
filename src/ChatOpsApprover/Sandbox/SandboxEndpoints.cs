using System.Globalization;
using System.Reflection;
using ChatOpsApprover.Audit;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The sandbox's routes under /sandbox: the page and its live updates (server-sent events), its script and style sheet,
/// what a person does on it (type, click, submit, close, open Home), and the Slack Web API the bot calls. Mapped only
/// while the sandbox is on; behind <see cref="LoopbackOnly"/>.
/// </summary>
public static class SandboxEndpoints
{
    /// <summary>Sent by the page's script: answer with 204 instead of redirecting back to the page.</summary>
    public const string FetchHeader = "X-Sandbox-Fetch";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>How often live updates look at the target when nothing in chat changed: grants and revocations happen there first.</summary>
    private static readonly TimeSpan TargetPoll = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<SandboxSettings>() is null)
        {
            return app;
        }

        var group = app.MapGroup(SandboxPage.Path).AddEndpointFilter<LoopbackOnly>();
        group.MapGet("/", ShowAsync);
        group.MapGet("/panes", PanesAsync);
        group.MapGet("/events", EventsAsync);
        group.MapGet("/sandbox.js", (HttpContext context) => AssetAsync(context, "sandbox.js", "text/javascript; charset=utf-8"));
        group.MapGet("/sandbox.css", (HttpContext context) => AssetAsync(context, "sandbox.css", "text/css; charset=utf-8"));
        group.MapPost("/type", (HttpContext context, SandboxWorkspace workspace, SandboxCommand command) =>
            ActAsync(context, workspace, (me, form) =>
                workspace.FindChannel(form(SandboxPage.ChannelField)) is { } channel
                    ? command.TypeAsync(me, channel, form(SandboxPage.TextField) ?? string.Empty, context.RequestAborted)
                    : Task.CompletedTask));
        group.MapPost("/act", (HttpContext context, SandboxWorkspace workspace, SandboxClick click) =>
            ActAsync(context, workspace, (me, form) =>
                click.ClickAsync(me, form(SandboxPage.SurfaceField) ?? string.Empty, form(BlockKitHtml.ElementField) ?? string.Empty, form, context.RequestAborted)));
        group.MapPost("/submit", (HttpContext context, SandboxWorkspace workspace, SandboxSubmission submission) =>
            ActAsync(context, workspace, (me, form) => submission.SubmitAsync(me, form(SandboxPage.ViewField) ?? string.Empty, form, context.RequestAborted)));
        group.MapPost("/close", (HttpContext context, SandboxWorkspace workspace, SandboxSubmission submission) =>
            ActAsync(context, workspace, (me, form) => submission.CloseAsync(me, form(SandboxPage.ViewField) ?? string.Empty, context.RequestAborted)));
        group.MapPost("/home", (HttpContext context, SandboxWorkspace workspace, SandboxHome home) =>
            ActAsync(context, workspace, (me, _) => home.OpenAsync(me, context.RequestAborted)));
        group.MapMethods("/api/{method}", [HttpMethods.Get, HttpMethods.Post], SlackWebApi.HandleAsync);
        return app;
    }

    private static async Task ShowAsync(HttpContext context, SandboxWorkspace workspace, TargetMemberships members, IAntiforgery antiforgery, IOptions<AuditOptions> audit)
    {
        string? asked = context.Request.Query[SandboxPage.AsField];
        if (Me(workspace, asked) is not { } me)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteAsync(context, "text/plain; charset=utf-8", workspace.People.Count == 0
                ? "Nobody under People has a Slack id (People:<id>:Slack), so there is nobody to be in the sandbox."
                : $"Nobody called \"{asked}\" is under People with a Slack id; pick someone on {SandboxPage.Path}.");
            return;
        }

        await WriteAsync(context, "text/html; charset=utf-8", SandboxPage.Render(await ModelAsync(context, workspace.Scene(me), members, antiforgery, audit.Value)));
    }

    private static async Task PanesAsync(HttpContext context, SandboxWorkspace workspace, TargetMemberships members, IAntiforgery antiforgery, IOptions<AuditOptions> audit)
    {
        if (Me(workspace, context.Request.Query[SandboxPage.AsField]) is not { } me)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await WriteAsync(context, "text/html; charset=utf-8", SandboxPage.Panes(await ModelAsync(context, workspace.Scene(me), members, antiforgery, audit.Value)));
    }

    private static async Task<SandboxPageModel> ModelAsync(HttpContext context, SandboxScene scene, TargetMemberships members, IAntiforgery antiforgery, AuditOptions audit)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return new SandboxPageModel(scene, await members.ReadAsync(context.RequestAborted), audit.SlackChannel?.Trim(), tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>
    /// Server-sent events: "change" whenever the workspace changes or the target's memberships do (looked at every
    /// <see cref="TargetPoll"/>), a comment now and then so proxies keep the stream open. The page then fetches its panes.
    /// </summary>
    private static async Task EventsAsync(HttpContext context, SandboxWorkspace workspace, TargetMemberships members, IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            var seen = workspace.Version;
            var target = await TargetFingerprintAsync(members, stop.Token);
            var quietSince = DateTime.UtcNow;
            await response.WriteAsync("retry: 1000\n\n", stop.Token);
            await response.Body.FlushAsync(stop.Token);
            while (!stop.IsCancellationRequested)
            {
                await workspace.WaitForChangeAsync(seen, TargetPoll, stop.Token);
                var version = workspace.Version;
                var now = await TargetFingerprintAsync(members, stop.Token);
                if (version != seen || now != target)
                {
                    (seen, target, quietSince) = (version, now, DateTime.UtcNow);
                    await response.WriteAsync($"event: change\ndata: {version.ToString(CultureInfo.InvariantCulture)}\n\n", stop.Token);
                }
                else if (DateTime.UtcNow - quietSince > Heartbeat)
                {
                    quietSince = DateTime.UtcNow;
                    await response.WriteAsync(": still here\n\n", stop.Token);
                }

                await response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or the bot is stopping.
        }
    }

    private static async Task<string> TargetFingerprintAsync(TargetMemberships members, CancellationToken cancellationToken) =>
        string.Join('\n', (await members.ReadAsync(cancellationToken)).Select(r => $"{r.Role}:{r.Problem}:{string.Join(',', r.Members.Select(m => m.Login))}"));

    /// <summary>
    /// A person's action from the page: anti-forgery checked, the person resolved, the action done (it waits for the
    /// bot's answer, as Slack does), then 204 for the page's script or a redirect back to the page without it.
    /// </summary>
    private static async Task<IResult> ActAsync(HttpContext context, SandboxWorkspace workspace, Func<SandboxPerson, Func<string, string?>, Task> act)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Text("This form did not come from the sandbox page (or the page is too old): reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (Me(workspace, form[SandboxPage.AsField]) is not { } me || me.PersonId != form[SandboxPage.AsField])
        {
            return Results.Text("The form names nobody configured under People with a Slack id.", statusCode: StatusCodes.Status400BadRequest);
        }

        await act(me, name => form.TryGetValue(name, out var value) ? value.ToString() : null);
        return context.Request.Headers.ContainsKey(FetchHeader)
            ? Results.NoContent()
            : Results.Redirect($"{SandboxPage.Path}?{SandboxPage.AsField}={Uri.EscapeDataString(me.PersonId)}", permanent: false, preserveMethod: false);
    }

    /// <summary>The person named, or the first person when none is named.</summary>
    private static SandboxPerson? Me(SandboxWorkspace workspace, string? personId) =>
        string.IsNullOrEmpty(personId) ? workspace.People.FirstOrDefault() : workspace.FindByPersonId(personId);

    private static async Task AssetAsync(HttpContext context, string name, string contentType)
    {
        await using var asset = Assembly.GetExecutingAssembly().GetManifestResourceStream("sandbox/" + name)
            ?? throw new InvalidOperationException($"The sandbox asset {name} is not embedded in the build.");
        using var reader = new StreamReader(asset);
        await WriteAsync(context, contentType, await reader.ReadToEndAsync(context.RequestAborted));
    }

    private static async Task WriteAsync(HttpContext context, string contentType, string body)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
