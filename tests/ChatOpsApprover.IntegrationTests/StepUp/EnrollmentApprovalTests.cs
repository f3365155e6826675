using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.StepUp;

/// <summary>
/// StepUp:EnrollmentApproval, through the real pages, the Slack and Teams endpoints and the audit channels: with Admin a
/// new second factor confirms nothing until an admin (erin) approves it from its card in the audit channel.
/// </summary>
public sealed class EnrollmentApprovalTests
{
    private const string SlackAudit = "C0AUDITENROLL";
    private const string TeamsAudit = "19:audit-enroll@thread.tacv2";

    private static Task<BotHost> StartAsync(string? approval, Action<Dictionary<string, string?>>? configure = null) =>
        BotHost.StartAsync(s =>
        {
            s["Audit:SlackChannel"] = SlackAudit;
            s["Audit:TeamsChannel"] = TeamsAudit;
            s["Roles:prod-db-read:StepUp"] = "Requester";
            if (approval is not null)
            {
                s["StepUp:EnrollmentApproval"] = approval;
            }

            configure?.Invoke(s);
        });

    /// <summary>The standalone post announcing a person's enrollment in the Slack audit channel.</summary>
    private static Task<SlackCall> EnrollmentPostAsync(BotHost bot, string person) =>
        Wait.UntilAsync(
            () => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").LastOrDefault(c =>
                c.Body["channel"]?.GetValue<string>() == SlackAudit && c.Body["thread_ts"] is null
                && c.Text.Contains($"New second factor enrolled by {person}", StringComparison.Ordinal))),
            $"the audit channel's post about {person}'s enrollment");

    /// <summary>The enrollment id the post's Approve button carries.</summary>
    private static string EnrollmentIdOn(SlackCall post)
    {
        var actions = post.Body["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        Assert.Equal([AuditEventCard.ApproveEnrollmentId, AuditEventCard.RefuseEnrollmentId], actions.Select(a => a!["action_id"]!.GetValue<string>()));
        return actions[0]!["value"]!.GetValue<string>();
    }

    /// <summary>Clicks Approve or Refuse on the enrollment's card in the Slack audit channel; returns the clicker's ephemeral answer.</summary>
    private static async Task<string> SlackDecideAsync(BotHost bot, string userId, string enrollmentId, bool approve)
    {
        // Answers in the audit channel only: an approval card's answers to the same person arrive in their own channel.
        bool InAudit(SlackCall c) => c.Body["user"]?.GetValue<string>() == userId && c.Body["channel"]?.GetValue<string>() == SlackAudit;
        var before = bot.Slack.CallsTo("chat.postEphemeral").Count(InAudit);
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000900", ["channel_id"] = SlackAudit, ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = SlackAudit, ["name"] = "audit" },
            ["trigger_id"] = $"9.9.{Guid.NewGuid():N}",
            ["response_url"] = "https://hooks.slack.com/actions/T0TEAM/1/x",
            ["actions"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = approve ? AuditEventCard.ApproveEnrollmentId : AuditEventCard.RefuseEnrollmentId,
                    ["block_id"] = "jit_enrollment_" + enrollmentId,
                    ["value"] = enrollmentId,
                    ["action_ts"] = "1700000000.000950",
                },
            },
        };
        using var response = await bot.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Wait.UntilAsync(
            () => Task.FromResult(bot.Slack.CallsTo("chat.postEphemeral").Where(InAudit).Skip(before).FirstOrDefault()?.Text),
            $"the answer to {userId}'s click");
    }

    private static Task<string?> ApprovalIdAsync(BotHost bot, string person) =>
        bot.ScalarTextOrNullAsync($"SELECT approval_id::text FROM jit.mfa_factors WHERE person_id = '{person}' AND approval_id IS NOT NULL");

    private static Task<string> DirectMessageAsync(BotHost bot, string userId, string containing) =>
        Wait.UntilAsync(
            () => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").FirstOrDefault(c => c.Body["channel"]?.GetValue<string>() == "D" + userId && c.Text.Contains(containing, StringComparison.Ordinal))?.Text),
            $"a message to {userId} saying \"{containing}\"");

    [Fact]
    public async Task AdminMode_StepUpWaits_UntilAnAdminApprovesFromTheAuditCard_ThenTheSameFlowGoesOn()
    {
        await using var bot = await StartAsync("Admin");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var enrollment = await ApprovalIdAsync(bot, "alice");
        Assert.NotNull(enrollment);

        // The audit channel shows it loudly, with the facts known, and asks the admins.
        var post = await EnrollmentPostAsync(bot, "alice");
        Assert.StartsWith(":rotating_light:", post.Text, StringComparison.Ordinal);
        Assert.Contains("approval: awaiting an admin", post.Text, StringComparison.Ordinal);
        Assert.Contains("address: 127.0.0.1", post.Text, StringComparison.Ordinal);
        Assert.Contains("device: a new browser", post.Text, StringComparison.Ordinal);
        Assert.Equal(enrollment, EnrollmentIdOn(post));

        // Until then, alice's step-up waits: no link, an honest message, nothing granted.
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);
        Assert.Contains("awaits an admin's approval", await DirectMessageAsync(bot, "U0ALICE", "awaits an admin's approval"), StringComparison.Ordinal);
        var confirm = await bot.CommandAsync("U0ALICE", $"confirm {id}");
        Assert.Contains("your authenticator awaits an admin's approval", confirm, StringComparison.Ordinal);
        Assert.DoesNotContain("/stepup/", confirm, StringComparison.Ordinal);
        Assert.Empty(bot.LinksSentTo("U0ALICE", "stepup"));
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));

        // A non-admin's click (even the approver's, even alice's own) is refused and changes nothing.
        Assert.Contains("Only an admin may approve or refuse an enrollment; nothing changed.", await SlackDecideAsync(bot, "U0BOB", enrollment!, approve: true), StringComparison.Ordinal);
        Assert.Contains("Only an admin", await SlackDecideAsync(bot, "U0ALICE", enrollment!, approve: true), StringComparison.Ordinal);
        Assert.Equal(enrollment, await ApprovalIdAsync(bot, "alice"));
        Assert.Equal(0, await bot.AuditCountAsync(AuditEvents.MfaEnrollmentApproved));

        // erin, an admin, approves: the confirmation link that waited is sent, and it grants.
        Assert.Contains("You approved alice's new second factor", await SlackDecideAsync(bot, "U0ERIN", enrollment!, approve: true), StringComparison.Ordinal);
        Assert.Null(await ApprovalIdAsync(bot, "alice"));
        Assert.Equal("erin", await bot.ScalarTextOrNullAsync("SELECT approved_by FROM jit.mfa_factors WHERE person_id = 'alice'"));
        await DirectMessageAsync(bot, "U0ALICE", "erin approved your new second factor");
        var link = await bot.WaitForLinkAsync("U0ALICE");
        var done = await browser.SubmitAsync(link, bot.Code(secret));
        Assert.Equal("Confirmed", done.Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));

        // A second click on the same card changes nothing.
        Assert.Contains("no longer waits", await SlackDecideAsync(bot, "U0ERIN", enrollment!, approve: false), StringComparison.Ordinal);
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrollment_approved' AND actor = 'erin' AND details->>'person' = 'alice' AND details->>'enrollment' = '{enrollment}'"));
        Assert.Equal(0, await bot.AuditCountAsync(AuditEvents.MfaEnrollmentRefused));
    }

    [Fact]
    public async Task AdminMode_AStepUpLinkOpenedBeforeApproval_SaysTheAuthenticatorAwaitsApproval()
    {
        await using var bot = await StartAsync("Admin");
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Approved);

        // The approval's own message went out (without a link) first, so the link minted below is the only one.
        await DirectMessageAsync(bot, "U0ALICE", "awaits an admin's approval");

        // A link minted before the enrollment waited (as by an instance of an older version) cannot be used either.
        await bot.ScalarAsync("UPDATE jit.mfa_factors SET approval_id = NULL WHERE person_id = 'alice'; SELECT 1");
        var enrollment = Guid.NewGuid();
        var confirm = await bot.CommandAsync("U0ALICE", $"confirm {id}");
        var link = StepUpSteps.FindLink(confirm, "stepup")!;
        var form = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        await bot.ScalarAsync($"UPDATE jit.mfa_factors SET approval_id = '{enrollment}' WHERE person_id = 'alice'; SELECT 1");

        var page = await browser.OpenAsync(link);
        Assert.Equal(HttpStatusCode.Conflict, page.Status);
        Assert.Equal("Your authenticator awaits an admin's approval", page.Title);
        var submitted = await browser.PostAsync(link, new Dictionary<string, string> { ["__RequestVerificationToken"] = form.AntiforgeryToken!, ["code"] = bot.Code(secret) });
        Assert.Equal(HttpStatusCode.Conflict, submitted.Status);
        Assert.Equal("Your authenticator awaits an admin's approval", submitted.Title);
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Contains("awaits an admin's approval", await bot.CommandAsync("U0ALICE", "enroll"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminMode_Refusal_RemovesTheFactor_TellsThePersonToEnrollAgain_AndOwnEnrollmentIsRefused()
    {
        await using var bot = await StartAsync("Admin", s => s["People:dave:Admin"] = "true");
        await bot.EnrollAsync("U0ALICE");
        var enrollment = EnrollmentIdOn(await EnrollmentPostAsync(bot, "alice"));

        // An admin never decides their own enrollment.
        await bot.EnrollAsync("U0ERIN");
        var erins = EnrollmentIdOn(await EnrollmentPostAsync(bot, "erin"));
        Assert.Contains("You cannot approve or refuse your own enrollment", await SlackDecideAsync(bot, "U0ERIN", erins, approve: true), StringComparison.Ordinal);
        Assert.Equal(erins, await ApprovalIdAsync(bot, "erin"));

        Assert.Contains("You refused alice's new second factor", await SlackDecideAsync(bot, "U0DAVE", enrollment, approve: false), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE person_id = 'alice'"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.known_networks WHERE person_id = 'alice'"));
        Assert.Contains("enroll again with: jit enroll", await DirectMessageAsync(bot, "U0ALICE", "dave refused your new second factor"), StringComparison.Ordinal);
        Assert.NotNull(StepUpSteps.FindLink(await bot.CommandAsync("U0ALICE", "enroll"), "enroll"));

        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrollment_refused' AND actor = 'dave' AND details->>'person' = 'alice'"));
        Assert.Equal(0, await bot.AuditCountAsync(AuditEvents.MfaEnrollmentApproved));
    }

    [Fact]
    public async Task AdminMode_OnTeams_TheAuditCardCarriesTheButtons_AndOnlyAnAdminsClickCounts()
    {
        await using var bot = await StartAsync("Admin");
        await bot.EnrollAsync("U0ALICE");
        var enrollment = await ApprovalIdAsync(bot, "alice");

        var post = await Wait.UntilAsync(
            () => Task.FromResult(bot.Teams.CallsTo("send").FirstOrDefault(c => c.ConversationId == TeamsAudit && c.Json.Contains("New second factor enrolled by alice", StringComparison.Ordinal))),
            "the Teams audit channel's post about alice's enrollment");
        var buttons = post.Card!["actions"]!.AsArray();
        Assert.Equal([AuditEventCard.ApproveEnrollmentId, AuditEventCard.RefuseEnrollmentId], buttons.Select(b => b!["verb"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal(enrollment, b!["data"]![AuditEventCard.EnrollmentField]!.GetValue<string>()));

        Assert.Contains("Only an admin", await TeamsDecideAsync(bot, TeamsIds.Bob, enrollment!, AuditEventCard.ApproveEnrollmentId), StringComparison.Ordinal);
        Assert.Equal(enrollment, await ApprovalIdAsync(bot, "alice"));

        Assert.Contains("You approved alice's new second factor", await TeamsDecideAsync(bot, TeamsIds.Erin, enrollment!, AuditEventCard.ApproveEnrollmentId), StringComparison.Ordinal);
        Assert.Null(await ApprovalIdAsync(bot, "alice"));
        await bot.AuditSealedAsync();
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'mfa.enrollment_approved' AND actor = 'erin' AND platform = 'teams'"));
    }

    private static async Task<string> TeamsDecideAsync(BotHost bot, string aadObjectId, string enrollment, string verb)
    {
        var activity = bot.TeamsCardAction(aadObjectId, 0, verb);
        activity["value"]!["action"]!["data"] = new JsonObject { [AuditEventCard.EnrollmentField] = enrollment };
        using var response = await bot.PostTeamsAsync(activity);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal("application/vnd.microsoft.activity.message", json["type"]!.GetValue<string>());
        return json["value"]!.GetValue<string>();
    }

    [Fact]
    public async Task NoneMode_EnrollmentIsUsableAtOnce_AndStillAnnouncedLoudly()
    {
        await using var bot = await StartAsync(approval: null);
        using var browser = new LinkBrowser();
        var secret = await bot.EnrollAsync("U0ALICE", browser);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.mfa_factors WHERE approval_id IS NOT NULL"));

        var post = await EnrollmentPostAsync(bot, "alice");
        Assert.StartsWith(":rotating_light:", post.Text, StringComparison.Ordinal);
        Assert.Contains("approval: not required", post.Text, StringComparison.Ordinal);
        Assert.Contains("person: alice", post.Text, StringComparison.Ordinal);
        Assert.Null(post.Body["blocks"]);
        await Wait.UntilAsync(
            () => bot.Teams.CallsTo("send").Any(c => c.ConversationId == TeamsAudit && c.Json.Contains("New second factor enrolled by alice", StringComparison.Ordinal) && c.Card!["actions"] is null),
            "the Teams audit channel's post, without buttons");

        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        var link = await bot.WaitForLinkAsync("U0ALICE");
        Assert.Equal("Confirmed", (await browser.SubmitAsync(link, bot.Code(secret))).Title);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }

    [Theory]
    [InlineData("Admins")]
    [InlineData("1")]
    public async Task AnUnknownEnrollmentApproval_StopsStartUp_NamingTheKey(string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(value));
        Assert.Contains("StepUp:EnrollmentApproval", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminMode_WithoutAnyAdmin_StopsStartUp_NamingTheKey()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync("Admin", s => s["People:erin:Admin"] = "false"));
        Assert.Contains("StepUp:EnrollmentApproval: Admin needs at least one admin", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminMode_WithoutAnAuditChannel_StopsStartUp_NamingTheKey()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync("Admin", s =>
        {
            s["Audit:SlackChannel"] = string.Empty;
            s["Audit:TeamsChannel"] = null;
        }));
        Assert.Contains("StepUp:EnrollmentApproval: Admin needs an audit channel (Audit:SlackChannel or Audit:TeamsChannel)", failure.ToString(), StringComparison.Ordinal);
    }
}
