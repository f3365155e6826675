using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatOpsApprover.Tests.StepUp;

/// <summary>The link pages as the Razor components render them: what people typed is encoded, the page runs no script unless asked.</summary>
public sealed class LinkPageRendererTests
{
    private const string Nonce = "bm9uY2UrL25vbmNlPT0=";

    private static readonly LinkPageRenderer Renderer = new(NullLoggerFactory.Instance);

    private static LinkPageView StepUpForm(string reason) =>
        new(200, LinkPageTone.Form, "Confirm your access request #7", "Check that this is the request you made.")
        {
            ForPerson = "alice",
            Request = new RequestFacts(7, "alice", "prod-db-read", "Lecture seule — production", "2h", reason, "bob", "your own request"),
            CodeForm = true,
            Next = "This link works once.",
        };

    [Fact]
    public async Task TextPeopleTyped_IsEncoded_AndNonAsciiStaysReadable()
    {
        var html = await Renderer.RenderAsync(StepUpForm("<script>alert('x')</script> & \"quotes\" — café"), Nonce, new LinkFormToken("__RequestVerificationToken", "token-value"));

        Assert.Contains("<dd>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot; — café</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>prod-db-read — Lecture seule — production</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>Confirm your access request #7</h1>", html, StringComparison.Ordinal);
        Assert.Contains("This link is for <strong id=\"person\">alice</strong>. If that is not you, close this page.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCodeForm_CarriesTheAntiforgeryToken_AndALabelledOneTimeCodeField()
    {
        var html = await Renderer.RenderAsync(StepUpForm("fix INC-1234") with { CodeError = "That code is not right." }, Nonce, new LinkFormToken("__RequestVerificationToken", "a\"b"));

        Assert.Contains("<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"a&quot;b\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"code\">6-digit code from your authenticator app</label>", html, StringComparison.Ordinal);
        Assert.Contains("<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" autocomplete=\"one-time-code\" required autofocus aria-describedby=\"error\" aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"error\" id=\"error\" role=\"alert\">That code is not right.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAFormToken_NoFormIsShown()
    {
        var html = await Renderer.RenderAsync(StepUpForm("fix INC-1234"), Nonce, formToken: null);

        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        Assert.DoesNotContain("one-time-code", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheNoncedStyleBlock_IsInline_AndAScriptComesOnlyWhenAPageAsksForOne()
    {
        var plain = await Renderer.RenderAsync(StepUpForm("fix"), Nonce, formToken: null);
        Assert.StartsWith("<!doctype html>", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style nonce=\"bm9uY2UrL25vbmNlPT0=\">", plain.Replace("&#x2B;", "+", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("script", plain, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("script-src", LinkPageResponse.ContentSecurityPolicy(Nonce, script: false), StringComparison.Ordinal);

        var withScript = await Renderer.RenderAsync(StepUpForm("fix") with { Script = "/stepup/passkey.js" }, Nonce, formToken: null);
        var script = Assert.Single(System.Text.RegularExpressions.Regex.Matches(withScript, "<script[^>]*>"));
        Assert.Equal("<script nonce=\"bm9uY2UrL25vbmNlPT0=\" src=\"/stepup/passkey.js\" defer>", script.Value.Replace("&#x2B;", "+", StringComparison.Ordinal));
        Assert.Contains($"script-src 'nonce-{Nonce}'", LinkPageResponse.ContentSecurityPolicy(Nonce, script: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEnrollmentPage_ShowsTheQrCodeAsAnInlineImage_AndTheKeyInGroupsOfFour()
    {
        var view = new LinkPageView(200, LinkPageTone.Form, "Set up your second factor", "Scan the QR code.")
        {
            Enrollment = new EnrollmentFacts("ABCDEFGHIJKLMNOP", "otpauth://totp/ChatOpsApprover:alice?secret=ABCDEFGHIJKLMNOP&issuer=ChatOpsApprover"),
        };
        var html = await Renderer.RenderAsync(view, Nonce, formToken: null);

        Assert.Contains("<img id=\"qr\" src=\"data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Contains("<code id=\"secret\">ABCD EFGH IJKL MNOP</code>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"otpauth://totp/ChatOpsApprover:alice?secret=ABCDEFGHIJKLMNOP&amp;issuer=ChatOpsApprover\"", html, StringComparison.Ordinal);
        Assert.Contains("<main class=\"form\">", html, StringComparison.Ordinal);
    }
}
