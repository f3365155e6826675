using System.Globalization;
using System.Text.RegularExpressions;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.IntegrationTests.StepUp;
using Microsoft.Playwright;
using OtpNet;

namespace ChatOpsApprover.IntegrationTests.Sandbox;

/// <summary>
/// The whole story in Chromium, through the sandbox page only: alice asks, bob approves on the card, alice sets up her
/// second factor and confirms, the membership appears at the target, alice revokes, it goes. With
/// CHATOPS_SANDBOX_SCREENSHOTS naming a folder, the README's screenshots are written there.
/// </summary>
public sealed partial class SandboxBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    // Grants and revocations go through Hangfire and the target; the page updates live, within this on a busy machine.
    private static readonly LocatorAssertionsToContainTextOptions Live = new() { Timeout = 60_000 };

    [Fact]
    public async Task TheStory_RequestApproveEnrollStepUpGrantRevoke_OnTheSandboxPage()
    {
        await using var bot = await SandboxHost.StartAsync(configure: s => s["Roles:prod-db-read:StepUp"] = "Requester");
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"error: {error}");
        var login = bot.LoginOf("alice");
        var memberships = page.Locator("#memberships");

        // alice asks in #access-requests; only she sees the answer.
        await page.GotoAsync(new Uri(bot.Http.BaseAddress!, "sandbox?as=alice").AbsoluteUri);
        await Assertions.Expect(memberships).ToContainTextAsync("nobody", Live);
        await page.GetByLabel("Message #access-requests").FillAsync("/jit request prod-db-read 2h fix INC-1234");
        await page.GetByLabel("Message #access-requests").PressAsync("Enter");
        var answer = page.Locator("#pane-C0REQUESTS .ephemeral").Last;
        await Assertions.Expect(answer).ToContainTextAsync("Only visible to you", Live);
        var id = long.Parse(RequestPattern().Match(await answer.InnerTextAsync()).Groups[1].Value, CultureInfo.InvariantCulture);
        var card = page.Locator($"#pane-{BotHost.ApprovalChannel} .message").Filter(new() { HasText = $"Access request #{id}" });
        await Assertions.Expect(card).ToContainTextAsync("fix INC-1234", Live);

        // bob approves with the card's button.
        await page.SelectOptionAsync("#as", "bob");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sandbox\\?as=bob$"));
        await Assertions.Expect(page.Locator("#pane-C0REQUESTS .ephemeral")).ToHaveCountAsync(0);
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(card).Not.ToContainTextAsync("Deny", Live);
        await Assertions.Expect(card).ToContainTextAsync("(edited)", Live);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);
        await Screenshot(page, "approved.png");

        // alice finds the enrollment link in her DMs, sets up her factor with the secret shown, then confirms with the next link.
        await page.SelectOptionAsync("#as", "alice");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sandbox\\?as=alice$"));
        var enroll = page.Locator("#pane-dm a[href*='/enroll/']").Last;
        await Assertions.Expect(enroll).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        var tab = await context.NewPageAsync();
        var enrollLink = new Uri((await enroll.GetAttributeAsync("href"))!);

        // Links name this machine "localhost", the one plain-http host where browsers offer passkeys; so the page offers one.
        Assert.Equal("localhost", enrollLink.Host);
        await tab.GotoAsync(enrollLink.ToString());
        await Assertions.Expect(tab.Locator("#passkey-form")).ToHaveCountAsync(1);
        var secret = Base32Encoding.ToBytes((await tab.Locator("#secret").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal));
        await tab.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await tab.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your second factor is set up");
        bot.Time.Advance(TimeSpan.FromSeconds(30));

        var stepUp = page.Locator("#pane-dm a[href*='/stepup/']").Last;
        await Assertions.Expect(stepUp).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Screenshot(page, "direct-messages.png");
        await tab.GotoAsync((await stepUp.GetAttributeAsync("href"))!);
        await tab.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await tab.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Confirmed");
        await tab.CloseAsync();

        // The grant shows at the target, on the page, without a reload.
        await Assertions.Expect(memberships).ToContainTextAsync($"{login} (alice)", Live);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login));
        await Assertions.Expect(page.Locator($"#pane-{SandboxHost.AuditChannel} .message").Filter(new() { HasText = $"#{id}" }).First).ToContainTextAsync("replies", Live);
        await Screenshot(page, "granted.png");

        await page.GetByLabel("Message #access-requests").FillAsync($"/jit revoke {id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(memberships).Not.ToContainTextAsync(login, Live);
        await Assertions.Expect(memberships).ToContainTextAsync("nobody", Live);
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(id)).Status);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.StartsWith("error", StringComparison.Ordinal));
    }

    /// <summary>Writes a screenshot of the page when CHATOPS_SANDBOX_SCREENSHOTS names a folder (how README's pictures are made).</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("CHATOPS_SANDBOX_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }

    [GeneratedRegex(@"Request #(\d+)")]
    private static partial Regex RequestPattern();
}
