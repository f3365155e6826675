using ChatOpsApprover.BreakGlass;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>
/// Break-glass end to end through the real Slack and Teams endpoints: the use is alerted in the approval and audit
/// channels, granted only after the requester's second factor (the role itself asks for none), listed for the role's
/// approvers until one of them reviews it; the requester and others cannot review it, and refusals change nothing.
/// </summary>
public sealed class BreakGlassTests
{
    private const string AuditSlackChannel = "C0AUDIT";
    private const string AuditTeamsChannel = "19:audit@thread.tacv2";

    /// <summary>prod-db-read allows break-glass for up to 1h; its StepUp stays None, so only break-glass asks for the second factor.</summary>
    private static Task<BotHost> StartAsync(Action<Dictionary<string, string?>>? configure = null) => BotHost.StartAsync(s =>
    {
        s["Roles:prod-db-read:BreakGlass:Allowed"] = "true";
        s["Roles:prod-db-read:BreakGlass:MaxDuration"] = "01:00:00";
        s["Audit:SlackChannel"] = AuditSlackChannel;
        s["Audit:TeamsChannel"] = AuditTeamsChannel;
        configure?.Invoke(s);
    });

    private static long IdIn(string reply)
    {
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"Break-glass request #(\d+)");
        Assert.True(match.Success, $"Expected a break-glass request id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for the loud Slack alert (an @here message) about request <paramref name="id"/> in <paramref name="channel"/>.</summary>
    private static Task<SlackCall> SlackAlertAsync(BotHost bot, string channel, long id) => Wait.UntilAsync(
        () => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c =>
            c.Body["channel"]?.GetValue<string>() == channel && c.Text.StartsWith("<!here>", StringComparison.Ordinal) && c.Text.Contains($"request #{id}", StringComparison.Ordinal))),
        $"the break-glass alert for #{id} in Slack channel {channel}");

    private static Task<ConnectorCall> TeamsAlertAsync(BotHost bot, string channel, long id) => Wait.UntilAsync(
        () => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c =>
            c.ConversationId == channel && c.Text.StartsWith("BREAK-GLASS", StringComparison.Ordinal) && c.Text.Contains($"request #{id}", StringComparison.Ordinal))),
        $"the break-glass alert for #{id} in Teams channel {channel}");

    [Fact]
    public async Task BreakGlass_OnSlack_AlertsBothChannels_GrantsOnlyAfterTheSecondFactor_AndAnApproverReviewsIt()
    {
        await using var bot = await StartAsync();
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var login = bot.LoginOf("alice");

        var reply = await bot.CommandAsync("U0ALICE", "breakglass prod-db-read 30m db down INC-9 <!channel>");
        var id = IdIn(reply);
        Assert.Contains("needs no approver, but access starts only once you confirm it with your second factor", reply, StringComparison.Ordinal);

        // Loud, on both platforms, in the role's approval channel and the audit channel; the reason is text, never a ping.
        foreach (var channel in new[] { BotHost.ApprovalChannel, AuditSlackChannel })
        {
            var alert = await SlackAlertAsync(bot, channel, id);
            Assert.Contains("BREAK-GLASS: alice took prod-db-read for 30m without approval", alert.Text, StringComparison.Ordinal);
            Assert.Contains("db down INC-9 &lt;!channel&gt;", alert.Text, StringComparison.Ordinal);
            Assert.Contains($"jit review {id} &lt;note&gt;", alert.Text, StringComparison.Ordinal);
        }

        foreach (var channel in new[] { BotHost.TeamsApprovalChannel, AuditTeamsChannel })
        {
            var alert = await TeamsAlertAsync(bot, channel, id);
            Assert.Equal("high", alert.Body["importance"]?.GetValue<string>());
        }

        // No approval card: nobody is asked to decide.
        Assert.DoesNotContain(bot.Slack.CallsTo("chat.postMessage"), c => c.Json.Contains($"jit_decision_{id}", StringComparison.Ordinal));

        // Approved by policy, but nothing at the target until alice's code, although the role asks for no step-up.
        var link = await bot.WaitForLinkAsync("U0ALICE");
        Assert.Contains("with break-glass (no approver needed)", bot.LinksSentTo("U0ALICE", "stepup")[0].Text, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Contains("none: break-glass (announced to the approvers, reviewed afterwards)", (await browser.OpenAsync(link)).Html, StringComparison.Ordinal);
        Assert.Equal("Confirmed", (await browser.SubmitAsync(link, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login), "the role is really granted at the target");
        var active = await bot.RequestAsync(id);
        Assert.Equal(TimeSpan.FromMinutes(30), active.EndsAt - active.GrantedAt);

        Assert.Equal(1, await bot.AuditCountAsync("breakglass.used", id));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'breakglass.used' AND details->>'review' = 'needed' AND details->>'reason' LIKE 'db down INC-9%'"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.approved' AND actor = 'policy' AND details->>'rule' = 'BreakGlass'"));

        // The role's approvers see it waiting for review; the requester and others do not.
        var bobsList = await bot.CommandAsync("U0BOB", "list");
        Assert.Contains("Break-glass uses waiting for review", bobsList, StringComparison.Ordinal);
        Assert.Contains($"#{id} prod-db-read for 30m by alice", bobsList, StringComparison.Ordinal);
        Assert.DoesNotContain("Break-glass uses waiting for review", await bot.CommandAsync("U0ALICE", "list"), StringComparison.Ordinal);
        Assert.DoesNotContain("Break-glass uses waiting for review", await bot.CommandAsync("U0CAROL", "list"), StringComparison.Ordinal);

        // Neither the requester nor someone who is no approver can close the review.
        Assert.Contains($"You cannot review your own break-glass request #{id}", await bot.CommandAsync("U0ALICE", $"review {id} all fine"), StringComparison.Ordinal);
        Assert.Equal($"There is no request #{id} that you can see; nothing changed.", await bot.CommandAsync("U0CAROL", $"review {id} all fine"));
        Assert.Contains("A note is required", await bot.CommandAsync("U0BOB", $"review {id}"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.AuditCountAsync("breakglass.reviewed", id));
        Assert.True((await bot.RequestAsync(id)).NeedsReview);

        Assert.Contains($"You reviewed break-glass request #{id}", await bot.CommandAsync("U0BOB", $"review {id} checked the session log"), StringComparison.Ordinal);
        var reviewed = await bot.RequestAsync(id);
        Assert.Equal(("bob", "checked the session log"), (reviewed.ReviewedBy, reviewed.ReviewNote));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'breakglass.reviewed' AND actor = 'bob' AND details->>'note' = 'checked the session log'"));
        Assert.DoesNotContain("Break-glass uses waiting for review", await bot.CommandAsync("U0BOB", "list"), StringComparison.Ordinal);

        // A second review changes nothing.
        Assert.Contains("was already reviewed by bob", await bot.CommandAsync("U0DAVE", $"review {id} me too"), StringComparison.Ordinal);
        Assert.Equal(1, await bot.AuditCountAsync("breakglass.reviewed", id));
    }

    [Fact]
    public async Task BreakGlass_OnTeams_AlertsBothChannels_GrantsAfterTheSecondFactor_AndAnApproverReviewsItOnTeams()
    {
        await using var bot = await StartAsync();
        using var browser = new LinkBrowser();
        var enroll = StepUpSteps.FindLink(await bot.TeamsCommandAsync(TeamsIds.Alice, "jit enroll"), "enroll")!;
        var secret = await bot.CompleteEnrollmentAsync(enroll, browser);
        var login = bot.LoginOf("alice");

        var id = IdIn(await bot.TeamsCommandAsync(TeamsIds.Alice, "jit breakglass prod-db-read 1h db down INC-10"));
        await TeamsAlertAsync(bot, BotHost.TeamsApprovalChannel, id);
        await TeamsAlertAsync(bot, AuditTeamsChannel, id);
        await SlackAlertAsync(bot, BotHost.ApprovalChannel, id);
        await SlackAlertAsync(bot, AuditSlackChannel, id);

        // The alert job run again (as Hangfire retries it) repeats no alert.
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.break_glass_alerts WHERE request_id = {id}") == 4, "the four posts recorded");
        await bot.Service<BreakGlassJobs>().AlertAsync(id, CancellationToken.None);
        Assert.Equal(2, bot.Teams.CallsTo("send").Count(c => c.Text.StartsWith("BREAK-GLASS", StringComparison.Ordinal) && c.Text.Contains($"request #{id}", StringComparison.Ordinal)));
        Assert.Equal(2, bot.Slack.CallsTo("chat.postMessage").Count(c => c.Text.StartsWith("<!here>", StringComparison.Ordinal) && c.Text.Contains($"request #{id}", StringComparison.Ordinal)));
        Assert.Equal(4, await bot.ScalarAsync($"SELECT count(*) FROM jit.break_glass_alerts WHERE request_id = {id}"));

        var link = await Wait.UntilAsync(
            () => Task.FromResult(bot.Teams.CallsTo("send").Where(c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice))
                .Select(c => StepUpSteps.FindLink(c.Text, "stepup")).LastOrDefault(l => l is not null)),
            "the step-up link in alice's Teams 1:1 chat");
        Assert.False(await bot.HasRoleAsync(login));
        Assert.Equal("Confirmed", (await browser.SubmitAsync(link, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(login));

        Assert.Contains($"#{id} prod-db-read for 1h by alice", await bot.TeamsCommandAsync(TeamsIds.Dave, "jit list"), StringComparison.Ordinal);
        Assert.Contains($"You cannot review your own break-glass request #{id}", await bot.TeamsCommandAsync(TeamsIds.Alice, $"jit review {id} fine"), StringComparison.Ordinal);
        Assert.Contains($"You reviewed break-glass request #{id}", await bot.TeamsCommandAsync(TeamsIds.Dave, $"jit review {id} outage confirmed with on-call"), StringComparison.Ordinal);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'breakglass.reviewed' AND actor = 'dave' AND platform = 'teams'"));
        Assert.DoesNotContain("Break-glass uses waiting for review", await bot.TeamsCommandAsync(TeamsIds.Bob, "jit list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnconfirmedUse_NeverGrants_LapsesLikeAnyApproval_AndStillWaitsForReview()
    {
        await using var bot = await StartAsync(s => s["StepUp:ConfirmWithin"] = "00:30:00");

        // alice has no second factor: she gets an enrollment link first, and nothing is granted meanwhile.
        var id = IdIn(await bot.CommandAsync("U0ALICE", "breakglass prod-db-read 30m db down"));
        await bot.WaitForLinkAsync("U0ALICE", "enroll");
        await SlackAlertAsync(bot, BotHost.ApprovalChannel, id);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));

        bot.Time.Advance(TimeSpan.FromMinutes(31));
        await bot.LapseNowAsync();
        var lapsed = await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        Assert.Contains("did not confirm with their second factor within 30m", lapsed.FailureReason, StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Equal(0, await bot.AuditCountAsync("grant.succeeded", id));

        // The attempt itself is still for an approver to look at.
        Assert.True(lapsed.NeedsReview);
        Assert.Contains($"#{id} prod-db-read for 30m by alice", await bot.CommandAsync("U0BOB", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_SayWhatWasWrong_AndChangeNothing()
    {
        await using var bot = await StartAsync(s =>
        {
            // alice alone may request prod-db-read; staging-db-read (same target) has no break-glass.
            s["Roles:prod-db-read:Requesters:0"] = "alice";
            s["Roles:staging-db-read:Target"] = "prod-db";
            s["Roles:staging-db-read:Grant"] = s["Roles:prod-db-read:Grant"];
            s["Roles:staging-db-read:MaxDuration"] = "04:00:00";
            s["Roles:staging-db-read:Approvers:0"] = "bob";
            s["Roles:staging-db-read:SlackChannel"] = BotHost.ApprovalChannel;
        });

        Assert.Contains("staging-db-read has no break-glass", await bot.CommandAsync("U0ALICE", "breakglass staging-db-read 30m outage"), StringComparison.Ordinal);
        Assert.Contains("Break-glass on prod-db-read lasts at most 1h; you asked for 2h", await bot.CommandAsync("U0ALICE", "breakglass prod-db-read 2h outage"), StringComparison.Ordinal);
        Assert.Contains("A reason is required", await bot.CommandAsync("U0ALICE", "breakglass prod-db-read 30m"), StringComparison.Ordinal);
        Assert.Contains("Roles:prod-db-read:Requesters", await bot.CommandAsync("U0CAROL", "breakglass prod-db-read 30m outage"), StringComparison.Ordinal);
        Assert.Contains("There is no role \"nope\"", await bot.CommandAsync("U0ALICE", "breakglass nope 30m outage"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));

        // An ordinary request is no break-glass use: there is nothing to review, and approvers have nothing listed.
        var ordinary = await bot.RequestAccessAsync("U0ALICE", "request staging-db-read 1h deploy");
        Assert.Contains($"Request #{ordinary} was not made with break-glass", await bot.CommandAsync("U0BOB", $"review {ordinary} fine"), StringComparison.Ordinal);
        Assert.DoesNotContain("Break-glass uses waiting for review", await bot.CommandAsync("U0BOB", "list"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event LIKE 'breakglass.%'"));
        Assert.DoesNotContain(bot.Slack.CallsTo("chat.postMessage"), c => c.Text.StartsWith("<!here>", StringComparison.Ordinal));
    }
}
