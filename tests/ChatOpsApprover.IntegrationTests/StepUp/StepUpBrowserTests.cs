using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>Headless Chromium (the machine's own) with one browser for the class; each test gets a fresh context (a fresh "device").</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // CI installs Chromium; a missing browser is a failure, not a skip.
        Assert.True(File.Exists(ExecutablePath), $"Chromium is required at {ExecutablePath} (apt-get install -y chromium).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A phone-sized context that records every console message (a CSP violation shows up there).</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Console)> PhoneAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        return (context, page, console);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

public sealed class StepUpBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Enrolls through the real page: reads the secret shown, computes the code from it, types it and presses Confirm.</summary>
    private static async Task<byte[]> EnrollInBrowserAsync(BotHost bot, IPage page, string userId)
    {
        var link = await bot.EnrollLinkAsync(userId);
        await page.GotoAsync(link.AbsoluteUri);
        var secret = Base32Encoding.ToBytes((await page.Locator("#secret").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal));
        await page.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your second factor is set up");
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    [Fact]
    public async Task Enrollment_InChromium_ShowsAScannableQrAndTheSecret_AndActivatesWithTheComputedCode()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:StepUp"] = "Requester");
        var (context, page, console) = await chromium.PhoneAsync();
        await using var _ = context;

        var link = await bot.EnrollLinkAsync("U0ALICE");
        var response = await page.GotoAsync(link.AbsoluteUri);
        Assert.Equal(200, response!.Status);
        Assert.True(await page.Locator("#qr").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"), "the QR code image renders");
        var field = page.GetByLabel("6-digit code from your authenticator app");
        Assert.Equal("numeric", await field.GetAttributeAsync("inputmode"));
        Assert.Equal("one-time-code", await field.GetAttributeAsync("autocomplete"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on a phone");
        Assert.Equal("rgb(29, 53, 87)", await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));

        var secret = Base32Encoding.ToBytes((await page.Locator("#secret").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal));
        await field.FillAsync(bot.WrongCode(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That code is not right");

        await page.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your second factor is set up");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE active AND person_id = 'alice'"));
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "jit-device" && c.HttpOnly);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task StepUp_InChromium_NamesTheRequest_AndTheCodeStartsAccess()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:StepUp"] = "Requester");
        var (context, page, console) = await chromium.PhoneAsync();
        await using var _ = context;
        var secret = await EnrollInBrowserAsync(bot, page, "U0ALICE");

        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        await page.GotoAsync(link.AbsoluteUri);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Confirm your access request #{id}");
        var facts = await page.Locator("#request").InnerTextAsync();
        foreach (var fact in new[] { "prod-db-read", "2h", "fix INC-1234", "bob", "alice" })
        {
            Assert.Contains(fact, facts, StringComparison.Ordinal);
        }

        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await page.GetByLabel("6-digit code from your authenticator app").FillAsync(bot.Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Confirmed");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));

        // The same browser as at enrollment: a known device on a known network, so nothing is flagged.
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.verified' AND request_id = {id} AND details->>'new_device' = 'false' AND details->>'new_network' = 'false'"));

        // Back and submit again: the link is spent.
        await page.GoBackAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link was already used");
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
