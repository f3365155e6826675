using System.Text.Encodings.Web;
using System.Text.Unicode;
using ChatOpsApprover.StepUp.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Renders a link's page to HTML on the server with Razor components (<see cref="LinkPageDocument"/>): static HTML,
/// no interactivity, no scripts of Blazor's. Every value is HTML-encoded by the renderer.
/// </summary>
public sealed class LinkPageRenderer(ILoggerFactory loggerFactory)
{
    // The pages use no services, so the renderer gets a provider of its own with one thing in it: an encoder that
    // leaves non-ASCII text readable UTF-8 (markup characters are still escaped).
    private readonly IServiceProvider _services = new ServiceCollection()
        .AddSingleton(HtmlEncoder.Create(UnicodeRanges.All))
        .BuildServiceProvider();

    public async Task<string> RenderAsync(LinkPageView view, string nonce, LinkFormToken? formToken)
    {
        await using var renderer = new HtmlRenderer(_services, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(LinkPageDocument.View)] = view,
                [nameof(LinkPageDocument.Nonce)] = nonce,
                [nameof(LinkPageDocument.FormToken)] = formToken,
            });
            var html = await renderer.RenderComponentAsync<LinkPageDocument>(parameters);
            return html.ToHtmlString();
        });
    }
}
