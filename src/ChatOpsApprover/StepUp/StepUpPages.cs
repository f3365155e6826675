using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using QRCoder;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Plain server-rendered HTML: no scripts, no external fonts or styles, one inline style block allowed by a per-response
/// nonce, the QR code as an inline PNG. Readable on a phone; the code field brings up the numeric keyboard.
/// </summary>
public static class StepUpPages
{
    public const string CodeField = "code";

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'none'; style-src 'nonce-{nonce}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string Render(PageModel page, string nonce, (string Field, string Token)? antiforgery)
    {
        var html = new StringBuilder(4096);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<meta name=\"robots\" content=\"noindex, nofollow\">\n")
            .Append("<title>").Append(E(page.Title)).Append(" · ChatOpsApprover</title>\n")
            .Append("<style nonce=\"").Append(E(nonce)).Append("\">").Append(Style).Append("</style>\n</head>\n<body>\n<main class=\"")
            .Append(page.Tone.ToString().ToLowerInvariant()).Append("\">\n")
            .Append("<p class=\"brand\">ChatOpsApprover</p>\n")
            .Append("<h1>").Append(E(page.Title)).Append("</h1>\n");
        if (page.ForPerson is not null)
        {
            html.Append("<p class=\"for\">This link is for <strong id=\"person\">").Append(E(page.ForPerson)).Append("</strong>. If that is not you, close this page.</p>\n");
        }

        html.Append("<p id=\"message\">").Append(E(page.Message)).Append("</p>\n");
        if (page.Request is { } request)
        {
            html.Append("<dl class=\"facts\" id=\"request\">\n");
            Fact(html, "Request", "#" + request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Fact(html, "Requester", request.Requester);
            Fact(html, "Role", request.RoleDescription.Length == 0 ? request.Role : $"{request.Role} — {request.RoleDescription}");
            Fact(html, "Duration", request.Duration);
            Fact(html, "Reason", request.Reason);
            Fact(html, "Approver", request.Approvers);
            Fact(html, "You confirm", request.Confirming);
            html.Append("</dl>\n");
        }

        if (page.Enrollment is { } enrollment)
        {
            html.Append("<figure class=\"qr\"><img id=\"qr\" src=\"data:image/png;base64,").Append(QrPng(enrollment.KeyUri))
                .Append("\" width=\"232\" height=\"232\" alt=\"QR code to scan with your authenticator app\"></figure>\n")
                .Append("<p>Cannot scan it? Type this key into your app (time-based, 6 digits):</p>\n")
                .Append("<p><code id=\"secret\">").Append(E(Grouped(enrollment.Secret))).Append("</code></p>\n")
                .Append("<p>On this phone? <a href=\"").Append(E(enrollment.KeyUri)).Append("\">Open it in your authenticator app</a>.</p>\n");
        }

        if (page.CodeError is not null)
        {
            html.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(E(page.CodeError)).Append("</p>\n");
        }

        if (page.CodeForm && antiforgery is { } token)
        {
            html.Append("<form method=\"post\" autocomplete=\"off\">\n")
                .Append("<input type=\"hidden\" name=\"").Append(E(token.Field)).Append("\" value=\"").Append(E(token.Token)).Append("\">\n")
                .Append("<label for=\"code\">6-digit code from your authenticator app</label>\n")
                .Append("<input id=\"code\" name=\"").Append(CodeField).Append("\" type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" ")
                .Append("autocomplete=\"one-time-code\" required autofocus")
                .Append(page.CodeError is null ? string.Empty : " aria-describedby=\"error\" aria-invalid=\"true\"").Append(">\n")
                .Append("<button type=\"submit\">Confirm</button>\n</form>\n");
        }

        if (page.Next is not null)
        {
            html.Append("<p class=\"next\" id=\"next\">").Append(E(page.Next)).Append("</p>\n");
        }

        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static string QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }

    /// <summary>Groups of four, as authenticator apps show keys; apps ignore the spaces.</summary>
    private static string Grouped(string secret) => string.Join(' ', secret.Chunk(4).Select(c => new string(c)));

    // Every Unicode range allowed: non-ASCII text stays readable UTF-8; markup characters are still escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);

    private const string Style = """
        :root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
        body{margin:0;padding:1rem;background:Canvas;color:CanvasText}
        main{max-width:34rem;margin:0 auto}
        .brand{font-size:.85rem;letter-spacing:.05em;text-transform:uppercase;opacity:.7;margin:0}
        h1{font-size:1.5rem;margin:.25rem 0 1rem}
        .success h1{color:#1a7f37}.problem h1{color:#b42318}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;padding:.75rem;border:1px solid #8884;border-radius:.5rem}
        .facts dt{font-weight:600}.facts dd{margin:0;overflow-wrap:anywhere}
        .qr{margin:1rem 0;text-align:center}.qr img{background:#fff;padding:8px;image-rendering:pixelated;max-width:100%;height:auto}
        code{font-size:1.1rem;word-spacing:.3em;overflow-wrap:anywhere}
        .error{border-left:4px solid #b42318;padding:.5rem .75rem;background:#b423181a}
        form{display:flex;flex-direction:column;gap:.5rem;margin:1rem 0}
        label{font-weight:600}
        input{font-size:1.6rem;letter-spacing:.3em;padding:.5rem;max-width:12rem;border:2px solid #888;border-radius:.4rem}
        button{font-size:1.1rem;padding:.7rem 1.2rem;max-width:12rem;border:0;border-radius:.4rem;background:#1d3557;color:#fff}
        input:focus,button:focus{outline:3px solid #5b9bd5;outline-offset:2px}
        .next{opacity:.85}
        """;
}
