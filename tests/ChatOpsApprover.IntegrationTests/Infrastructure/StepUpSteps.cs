using System.Text.RegularExpressions;
using ChatOpsApprover.StepUp;
using OtpNet;
using Totp = ChatOpsApprover.StepUp.Totp;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Step-up helpers that speak as people do: type jit enroll, read links from chat, open them and enter codes.</summary>
public static partial class StepUpSteps
{
    [GeneratedRegex(@"https?://[^\s<>""]+/(enroll|stepup)/[A-Za-z0-9_-]{43}")]
    private static partial Regex LinkPattern();

    public static Uri? FindLink(string text, string kind) =>
        LinkPattern().Matches(text).Where(m => m.Groups[1].Value == kind).Select(m => new Uri(m.Value)).FirstOrDefault();

    /// <summary>The current code for a secret, on the bot's (fake) clock.</summary>
    public static string Code(this BotHost bot, byte[] secret) => Totp.Compute(secret, bot.Time.GetUtcNow());

    /// <summary>A code that is certainly wrong now (and one step either side).</summary>
    public static string WrongCode(this BotHost bot, byte[] secret)
    {
        var now = bot.Time.GetUtcNow();
        var right = new[] { -30, 0, 30 }.Select(s => Totp.Compute(secret, now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !right.Contains(c));
    }

    /// <summary>Types "jit enroll" and returns the link from the reply.</summary>
    public static async Task<Uri> EnrollLinkAsync(this BotHost bot, string userId)
    {
        var reply = await bot.CommandAsync(userId, "enroll");
        return FindLink(reply, "enroll") ?? throw new InvalidOperationException($"No enrollment link in the reply: {reply}");
    }

    /// <summary>Enrolls through the real pages (reading the secret shown, entering its code) and returns the secret.</summary>
    public static async Task<byte[]> EnrollAsync(this BotHost bot, string userId, LinkBrowser? browser = null)
    {
        using var own = browser is null ? new LinkBrowser() : null;
        browser ??= own!;
        var link = await bot.EnrollLinkAsync(userId);
        return await bot.CompleteEnrollmentAsync(link, browser);
    }

    /// <param name="opened">The page as the browser already opened it: the secret is shown only at the first opening.</param>
    public static async Task<byte[]> CompleteEnrollmentAsync(this BotHost bot, Uri link, LinkBrowser browser, LinkResponse? opened = null)
    {
        var page = opened ?? await browser.OpenAsync(link);
        Assert.True(page.Secret is not null, $"The enrollment page shows no secret ({page.Status}: {page.Title}).");
        var secret = Base32Encoding.ToBytes(page.Secret);
        var done = await browser.SubmitAsync(link, bot.Code(secret));
        Assert.True(done.Title == "Your second factor is set up", $"Enrollment failed: {done.Status} {done.Title}: {done.Html}");

        // Later codes in a test belong to a later time step, as they would for a person.
        bot.Time.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        return secret;
    }

    /// <summary>Every link the bot sent to a Slack user, by DM or as an ephemeral message, oldest first.</summary>
    public static IReadOnlyList<(Uri Link, string Text)> LinksSentTo(this BotHost bot, string userId, string kind) =>
        bot.Slack.Calls
            .Where(c => (c.Method == "chat.postMessage" && c.Body["channel"]?.GetValue<string>() == "D" + userId)
                        || (c.Method == "chat.postEphemeral" && c.Body["user"]?.GetValue<string>() == userId))
            .Select(c => (Link: FindLink(c.Text, kind), c.Text))
            .Where(x => x.Link is not null)
            .Select(x => (x.Link!, x.Text))
            .ToList();

    /// <summary>Waits for the <paramref name="index"/>-th link (0-based) of a kind sent to a user and returns it.</summary>
    public static async Task<Uri> WaitForLinkAsync(this BotHost bot, string userId, string kind = "stepup", int index = 0)
    {
        return await Wait.UntilAsync(
            () => Task.FromResult(bot.LinksSentTo(userId, kind) is { } links && links.Count > index ? links[index].Link : null),
            $"link #{index + 1} ({kind}) for {userId}");
    }

    public static Task<long> AuditCountAsync(this BotHost bot, string auditEvent, long? requestId = null) =>
        bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{auditEvent}'" + (requestId is null ? string.Empty : $" AND request_id = {requestId}"));
}
