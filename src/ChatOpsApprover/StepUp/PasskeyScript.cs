namespace ChatOpsApprover.StepUp;

/// <summary>
/// The one script the link pages may load: it hands the page's WebAuthn options to the browser and posts the answer
/// through the page's form. Served by the bot itself (GET /passkey.js) and loaded with the page's CSP nonce, so the
/// pages still allow no script from anywhere else and no inline script at all.
/// </summary>
public static class PasskeyScript
{
    /// <summary>Where it is served.</summary>
    public const string Route = "/passkey.js";

    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(PasskeyScript).Assembly.GetManifestResourceStream("ChatOpsApprover.StepUp.passkey.js")
            ?? throw new InvalidOperationException("The passkey script is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapPasskeyScript(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, (HttpContext context) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Text.Value, "text/javascript; charset=utf-8");
        });
        return app;
    }
}
