using System.Net;
using System.Text.RegularExpressions;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Sandbox;

namespace ChatOpsApprover.IntegrationTests.Sandbox;

/// <summary>Someone using the sandbox page without a browser: reads the page, and posts its forms as the page would (without its script).</summary>
public sealed partial class SandboxVisitor(BotHost bot) : IDisposable
{
    private readonly LinkBrowser _browser = new();

    public Uri Page(string person) => new(bot.Http.BaseAddress!, $"sandbox?as={person}");

    public async Task<string> PanesAsync(string person) =>
        WebUtility.HtmlDecode((await _browser.OpenAsync(new Uri(bot.Http.BaseAddress!, $"sandbox/panes?as={person}"))).Html);

    /// <summary>Types in the requests channel as <paramref name="person"/>; the sandbox answers once the bot has.</summary>
    public async Task TypeAsync(string person, string text)
    {
        var page = await _browser.OpenAsync(Page(person));
        var done = await _browser.PostAsync(new Uri(bot.Http.BaseAddress!, "sandbox/type"), new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = page.AntiforgeryToken!,
            [SandboxPage.AsField] = person,
            [SandboxPage.ChannelField] = SandboxSettings.RequestsChannel,
            [SandboxPage.TextField] = text,
        });
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
    }

    /// <summary>Clicks the button labelled <paramref name="label"/> on the message whose text contains <paramref name="onMessage"/>.</summary>
    public async Task<LinkResponse> ClickAsync(string person, string onMessage, string label)
    {
        var page = await _browser.OpenAsync(Page(person));
        var message = MessagePattern().Matches(page.Html).Select(m => m.Value).FirstOrDefault(m => WebUtility.HtmlDecode(m).Contains(onMessage, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No message with \"{onMessage}\" on {person}'s page.");
        var form = FormPattern().Matches(message).Select(m => m.Value).FirstOrDefault(f => f.Contains($">{label}</button>", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No \"{label}\" button on that message: {message}");
        var fields = InputPattern().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        return await _browser.PostAsync(new Uri(bot.Http.BaseAddress!, "sandbox/act"), fields);
    }

    public Task<LinkResponse> PostAsync(string path, Dictionary<string, string> form) => _browser.PostAsync(new Uri(bot.Http.BaseAddress!, path), form);

    public async Task<string> TokenAsync(string person) => (await _browser.OpenAsync(Page(person))).AntiforgeryToken!;

    public void Dispose() => _browser.Dispose();

    [GeneratedRegex("<li class=\"message[^\"]*\"[\\s\\S]*?</li>")]
    private static partial Regex MessagePattern();

    [GeneratedRegex("<form method=\"post\" class=\"bk-form\"[\\s\\S]*?</form>")]
    private static partial Regex FormPattern();

    [GeneratedRegex("<(?:input type=\"hidden\"|button type=\"submit\"[^>]*?) name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex InputPattern();
}
