using System.Globalization;
using System.Text.RegularExpressions;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>
/// Each policy rule end to end, once made and decided through Slack and once through Teams, with the bot's clock set
/// inside or outside the role's working hours (Mon–Fri 08:00–18:00 Europe/Berlin).
/// </summary>
public sealed class PolicyRulesTests
{
    public enum Via
    {
        Slack,
        Teams,
    }

    // Tuesday 2026-12-01: 10:00 and 03:00 in Berlin (UTC+1).
    private static readonly DateTimeOffset InHours = DateTimeOffset.Parse("2026-12-01T09:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset AtNight = DateTimeOffset.Parse("2026-12-01T02:00:00Z", CultureInfo.InvariantCulture);

    private static Task<BotHost> StartAsync(DateTimeOffset at, Action<Dictionary<string, string?>> configure) =>
        BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:Hours:Days:0"] = "Mon";
            s["Roles:prod-db-read:Hours:Days:1"] = "Tue";
            s["Roles:prod-db-read:Hours:Days:2"] = "Wed";
            s["Roles:prod-db-read:Hours:Days:3"] = "Thu";
            s["Roles:prod-db-read:Hours:Days:4"] = "Fri";
            s["Roles:prod-db-read:Hours:From"] = "08:00";
            s["Roles:prod-db-read:Hours:To"] = "18:00";
            s["Roles:prod-db-read:Hours:TimeZone"] = "Europe/Berlin";
            configure(s);
        }, time: new FakeTimeProvider(at));

    private static Task<string> AskAsync(BotHost bot, Via via, string text, string person = "alice") => via switch
    {
        Via.Slack => bot.CommandAsync("U0" + person.ToUpperInvariant(), text),
        Via.Teams => bot.TeamsCommandAsync(person switch { "bob" => TeamsIds.Bob, "dave" => TeamsIds.Dave, _ => TeamsIds.Alice }, "jit " + text),
    };

    private static long IdIn(string reply)
    {
        var match = Regex.Match(reply, @"Request #(\d+)");
        Assert.True(match.Success, $"Expected a request id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task ApproveAsync(BotHost bot, Via via, string approver, long id)
    {
        switch (via)
        {
            case Via.Slack:
                await bot.ClickApproveAsync(approver == "bob" ? "U0BOB" : "U0DAVE", id);
                break;
            case Via.Teams:
                await bot.TeamsClickAsync(approver == "bob" ? TeamsIds.Bob : TeamsIds.Dave, id, approve: true);
                break;
        }
    }

    /// <summary>A card (posted or updated) on the platform that shows every one of <paramref name="texts"/>.</summary>
    private static Task WaitForCardAsync(BotHost bot, Via via, params string[] texts) => Wait.UntilAsync(
        () => via switch
        {
            Via.Slack => bot.Slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update").Any(c => texts.All(t => c.Json.Contains(t, StringComparison.Ordinal))),
            Via.Teams => bot.Teams.Calls.Where(c => c.Operation is "send" or "update").Any(c => texts.All(t => c.Json.Contains(t, StringComparison.Ordinal))),
        },
        $"a {via} card showing {string.Join(", ", texts)}");

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task OutsideHoursRefuse_SaysWhenToAskAgain_AndStoresNothing(Via via)
    {
        await using var bot = await StartAsync(AtNight, s => s["Roles:prod-db-read:OutsideHours"] = "Refuse");
        var reply = await AskAsync(bot, via, "request prod-db-read 1h night fix");
        Assert.Contains("prod-db-read can be requested only Mon–Fri 08:00–18:00 Europe/Berlin", reply, StringComparison.Ordinal);
        Assert.Contains("Ask again from Tue 2026-12-01 08:00 Europe/Berlin", reply, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));

        bot.Time.SetUtcNow(InHours);
        var id = IdIn(await AskAsync(bot, via, "request prod-db-read 1h day fix"));
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task OutsideHoursExtraApproval_NeedsOneMoreApprover_AndTheCardSaysWhy(Via via)
    {
        await using var bot = await StartAsync(AtNight, s => s["Roles:prod-db-read:OutsideHours"] = "ExtraApproval");
        var id = IdIn(await AskAsync(bot, via, "request prod-db-read 1h night fix"));
        await WaitForCardAsync(bot, via, "0 of 2 approvals", "rule OutsideHours: requested Tue 2026-12-01 03:00 Europe/Berlin, outside Mon–Fri 08:00–18:00 Europe/Berlin");
        await ApproveAsync(bot, via, "bob", id);
        await WaitForCardAsync(bot, via, "1 of 2 approvals");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        await ApproveAsync(bot, via, "dave", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'request.created' AND request_id = {id} AND details->>'policy' LIKE 'OutsideHours: %' AND details->>'required' = '2'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'request.approved' AND request_id = {id} AND details->>'required' = '2'"));
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task OutsideHoursApproverStepUp_MakesTheApproverConfirm(Via via)
    {
        await using var bot = await StartAsync(AtNight, s => s["Roles:prod-db-read:OutsideHours"] = "ApproverStepUp");
        var id = IdIn(await AskAsync(bot, via, "request prod-db-read 1h night fix"));
        await ApproveAsync(bot, via, "bob", id);
        var request = await Wait.UntilAsync(async () => await bot.RequestAsync(id) is { StepUps.Count: > 0 } r ? r : null, "bob's step-up to be asked");
        var stepUp = Assert.Single(request.StepUps);
        Assert.Equal(("bob", StepUpPurpose.Approver, StepUpState.Waiting), (stepUp.PersonId, stepUp.Purpose, stepUp.State));
        Assert.Equal(RequestStatus.Pending, request.Status);
        Assert.Empty(request.Decisions);
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task LimitedAutoApproval_AppliesWithinItsLimits_AndTheCardNamesTheRule(Via via)
    {
        await using var bot = await StartAsync(InHours, s =>
        {
            s["Groups:oncall:0"] = "alice";
            s["Roles:prod-db-read:AutoApprove:For:0"] = "group:oncall";
            s["Roles:prod-db-read:AutoApprove:OnlyInHours"] = "true";
            s["Roles:prod-db-read:AutoApprove:MaxDuration"] = "01:00:00";
        });
        var auto = await AskAsync(bot, via, "request prod-db-read 1h on call");
        Assert.Contains("needs no approval", auto, StringComparison.Ordinal);
        var autoId = IdIn(auto);
        await bot.WaitForStatusAsync(autoId, RequestStatus.Active);
        await WaitForCardAsync(bot, via, "auto-approved by policy (rule AutoApprove: alice is among group:oncall, inside Mon–Fri 08:00–18:00 Europe/Berlin, 1h ≤ 1h)");

        // Longer than MaxDuration: the normal approval.
        var longer = IdIn(await AskAsync(bot, via, "request prod-db-read 2h on call"));
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(longer)).Status);
        await WaitForCardAsync(bot, via, "rule AutoApprove: not applied: 2h is longer than 1h; normal approval");
        await ApproveAsync(bot, via, "bob", longer);
        await bot.WaitForStatusAsync(longer, RequestStatus.Active);
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task RiskLongerThanAndFirstRequest_AskForOneMoreApproval_OnlyWhenTheyFire(Via via)
    {
        await using var bot = await StartAsync(InHours, s =>
        {
            s["Roles:prod-db-read:Risk:LongerThan"] = "02:00:00";
            s["Roles:prod-db-read:Risk:FirstRequest"] = "true";
            s["Roles:prod-db-read:Risk:Action"] = "ExtraApproval";
        });
        var first = IdIn(await AskAsync(bot, via, "request prod-db-read 1h first time"));
        await WaitForCardAsync(bot, via, "0 of 2 approvals", "rule Risk:FirstRequest: alice's first request of prod-db-read");
        await ApproveAsync(bot, via, "bob", first);
        await ApproveAsync(bot, via, "dave", first);
        await bot.WaitForStatusAsync(first, RequestStatus.Active);

        var second = IdIn(await AskAsync(bot, via, "request prod-db-read 1h again"));
        await ApproveAsync(bot, via, "bob", second);
        await bot.WaitForStatusAsync(second, RequestStatus.Active);

        var longer = IdIn(await AskAsync(bot, via, "request prod-db-read 3h long job"));
        await WaitForCardAsync(bot, via, "rule Risk:LongerThan: 3h asked, more than 2h");
        await ApproveAsync(bot, via, "bob", longer);
        await WaitForCardAsync(bot, via, "1 of 2 approvals");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(longer)).Status);
    }

    [Fact]
    public async Task RiskFirstRequest_OfRequestsMadeAtOnce_ExactlyTheEarliestIsTheFirst()
    {
        await using var bot = await StartAsync(InHours, s =>
        {
            s["Roles:prod-db-read:Risk:FirstRequest"] = "true";
            s["Roles:prod-db-read:Risk:Action"] = "ExtraApproval";
        });

        // From both platforms at once: without the (person, role) lock each could miss the others and count as first.
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => AskAsync(bot, i % 2 == 0 ? Via.Slack : Via.Teams, $"request prod-db-read 1h at once {i}")));
        Assert.All(replies, reply => IdIn(reply));
        Assert.Equal(6, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE person_id = 'alice'"));
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE person_id = 'alice' AND extra_approvals = 1"));
        Assert.Equal(
            await bot.ScalarAsync("SELECT min(id) FROM jit.access_requests WHERE person_id = 'alice'"),
            await bot.ScalarAsync("SELECT id FROM jit.access_requests WHERE person_id = 'alice' AND extra_approvals = 1"));
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task RiskNewNetworkReview_GrantsTheAccess_AndMarksItForReview(Via via)
    {
        await using var bot = await StartAsync(InHours, s =>
        {
            s["Roles:prod-db-read:StepUp"] = "Requester";
            s["Roles:prod-db-read:Risk:NewNetwork"] = "true";
            s["Roles:prod-db-read:Risk:Action"] = "Review";
        });
        using var home = new LinkBrowser();
        var secret = await EnrollAsync(bot, via, "alice", home);
        var id = IdIn(await AskAsync(bot, via, "request prod-db-read 1h from the road"));
        await ApproveAsync(bot, via, "bob", id);
        var link = await StepUpLinkAsync(bot, via, "alice");

        // The same device on another network: let through, marked for review.
        using var travelling = new LinkBrowser("127.0.0.2", home.Cookies);
        Assert.Equal("Confirmed", (await travelling.SubmitAsync(link, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.verified' AND request_id = {id} AND details->>'rule' = 'Risk:NewNetwork: new network → granted, marked for review'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.review_needed' AND request_id = {id} AND actor = 'policy' AND details->>'person' = 'alice' AND details->>'rule' = 'Risk:NewNetwork'"));

        // The mark stays open for the role's approvers until one of them (never alice) closes it with jit review.
        Assert.Contains($"#{id} prod-db-read for 1h by alice", await AskAsync(bot, via, "list", "dave"), StringComparison.Ordinal);
        Assert.Contains("Step-ups marked for review", await AskAsync(bot, via, "list", "dave"), StringComparison.Ordinal);
        Assert.Contains($"You cannot review your own", await AskAsync(bot, via, $"review {id} it was me", "alice"), StringComparison.Ordinal);
        Assert.Contains($"You reviewed the step-ups marked for review on request #{id}", await AskAsync(bot, via, $"review {id} alice was travelling", "dave"), StringComparison.Ordinal);
        Assert.Contains("already reviewed by dave", await AskAsync(bot, via, $"review {id} again", "bob"), StringComparison.Ordinal);
        Assert.DoesNotContain("Step-ups marked for review", await AskAsync(bot, via, "list", "bob"), StringComparison.Ordinal);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.reviewed' AND request_id = {id} AND actor = 'dave' AND details->>'note' = 'alice was travelling' AND details->>'people' = 'alice'"));
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'breakglass.reviewed' AND request_id = {id}"));
    }

    [Theory]
    [InlineData(Via.Slack)]
    [InlineData(Via.Teams)]
    public async Task RiskNewDeviceBlock_RefusesTheApproversStepUp_AndCountsNoVote(Via via)
    {
        await using var bot = await StartAsync(InHours, s =>
        {
            s["Roles:prod-db-read:StepUp"] = "Approver";
            s["Roles:prod-db-read:Risk:NewDevice"] = "true";
            s["Roles:prod-db-read:Risk:StepUpAction"] = "Block";
        });
        using var bobDesk = new LinkBrowser("127.0.0.2");
        var bobSecret = await EnrollAsync(bot, via, "bob", bobDesk);

        var id = IdIn(await AskAsync(bot, via, "request prod-db-read 1h fix INC-1234"));
        await ApproveAsync(bot, via, "bob", id);
        var link = await StepUpLinkAsync(bot, via, "bob");

        // Another device on the same network: the watched signal blocks it.
        using var bobPhone = new LinkBrowser("127.0.0.2");
        var refused = await bobPhone.SubmitAsync(link, bot.Code(bobSecret));
        Assert.Equal("Confirmation refused", refused.Title);
        var request = await bot.RequestAsync(id);
        Assert.Equal(RequestStatus.Pending, request.Status);
        Assert.Empty(request.Decisions);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'stepup.refused' AND request_id = {id} AND details->>'rule' = 'Risk:NewDevice: new device → refused'"));
    }

    /// <summary>Enrolls the person from the platform's chat in <paramref name="browser"/>; returns the TOTP secret.</summary>
    private static async Task<byte[]> EnrollAsync(BotHost bot, Via via, string person, LinkBrowser browser) => via switch
    {
        Via.Slack => await bot.EnrollAsync(person == "bob" ? "U0BOB" : "U0ALICE", browser),
        Via.Teams => await bot.CompleteEnrollmentAsync(StepUpSteps.FindLink(await bot.TeamsCommandAsync(person == "bob" ? TeamsIds.Bob : TeamsIds.Alice, "jit enroll"), "enroll")!, browser),
    };

    /// <summary>The newest step-up link the person got in their private chat on the platform.</summary>
    private static Task<Uri> StepUpLinkAsync(BotHost bot, Via via, string person) => via switch
    {
        Via.Slack => bot.WaitForLinkAsync(person == "bob" ? "U0BOB" : "U0ALICE"),
        Via.Teams => Wait.UntilAsync(
            () => Task.FromResult(bot.Teams.CallsTo("send").Where(c => c.ConversationId == TeamsIds.PersonalConversation(person == "bob" ? TeamsIds.Bob : TeamsIds.Alice))
                .Select(c => StepUpSteps.FindLink(c.Text, "stepup")).LastOrDefault(l => l is not null)),
            $"{person}'s step-up link in their Teams chat"),
    };
}
