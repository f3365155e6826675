using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Chat.Cards;

/// <summary>Slack and Teams show the same facts for the same request, in every state: a fact on one only is a defect.</summary>
public sealed class CardParityTests
{
    private const string Reason = "fix <!channel> & <https://evil.example|this> [x](https://evil.example) INC-1234";
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 15, 0, TimeSpan.Zero);

    private static readonly AccessDirectory Directory = new(
        [
            Person("alice", "U0ALICE", "aad-alice"),
            Person("bob", "U0BOB", "aad-bob"),
            Person("dave", null, "aad-dave"),
        ],
        [Role],
        [new SlackChat(), new TeamsChat()]);

    private static Person Person(string id, string? slack, string teams)
    {
        var identities = new Dictionary<ChatPlatform, string> { [TeamsChat.Key] = teams };
        if (slack is not null)
        {
            identities[SlackChat.Key] = slack;
        }

        return new Person(id, identities, new Dictionary<string, string>(), false);
    }

    private static RoleDefinition Role => new("prod-db-read", "Read", "prod-db", "prod_read", TimeSpan.FromHours(4), ["bob", "dave"], 1, false,
        new Dictionary<ChatPlatform, string> { [SlackChat.Key] = "C0APPROVALS", [TeamsChat.Key] = "19:x@thread.tacv2" });

    private static readonly StepUpRisk NewDeviceAndNetwork = new(true, true);

    public static TheoryData<string> States() => [.. Requests(StepUpRisk.None).Keys];

    /// <summary>One request per state, its step-ups coming from where the person always is, or from <paramref name="risk"/>.</summary>
    private static Dictionary<string, AccessRequest> Requests(StepUpRisk risk)
    {
        var pending = new AccessRequest(7, "alice", "prod-db-read", "prod-db", "prod_read", "alice_login", TimeSpan.FromHours(2), Reason,
            RequestStatus.Pending, SlackChat.Key, T0, [], null, null, null, null, null);
        var approvedByBob = new Decision("bob", true, T0.AddMinutes(1), TeamsChat.Key);
        var bobConfirmed = new StepUpConfirmation("bob", StepUpPurpose.Approver, StepUpState.Verified, T0.AddMinutes(2), risk) { Factor = "totp" };
        var aliceConfirmed = new StepUpConfirmation("alice", StepUpPurpose.Requester, StepUpState.Verified, T0.AddMinutes(3), risk) { Factor = "passkey: YubiKey 5" };
        var active = pending with
        {
            Status = RequestStatus.Active,
            Decisions = [approvedByBob],
            GrantedAt = T0.AddMinutes(4),
            EndsAt = T0.AddMinutes(124),
            StepUps = [bobConfirmed, aliceConfirmed],
        };
        return new Dictionary<string, AccessRequest>
        {
            ["pending"] = pending,
            ["pending, an approval waiting for its step-up"] = pending with
            {
                StepUps = [bobConfirmed with { State = StepUpState.Waiting, Risk = StepUpRisk.None }],
            },
            ["pending, an approval from an unknown Slack user"] = pending with
            {
                Decisions = [new Decision("dave", true, T0.AddMinutes(1), TeamsChat.Key)],
            },
            ["approved, waiting for the requester's step-up"] = pending with
            {
                Status = RequestStatus.Approved,
                Decisions = [approvedByBob],
                StepUps = [bobConfirmed, aliceConfirmed with { State = StepUpState.Waiting, Risk = StepUpRisk.None }],
            },
            ["approved, being granted"] = pending with { Status = RequestStatus.Approved, Decisions = [approvedByBob], StepUps = [bobConfirmed, aliceConfirmed] },
            ["active"] = active,
            ["expired"] = active with { Status = RequestStatus.Expired, EndedAt = T0.AddMinutes(124), EndedBy = "system" },
            ["revoked"] = active with { Status = RequestStatus.Revoked, EndedAt = T0.AddMinutes(30), EndedBy = "alice" },
            ["denied"] = pending with { Status = RequestStatus.Denied, Decisions = [new Decision("dave", false, T0.AddMinutes(1), SlackChat.Key, "not during the <!here> freeze")] },
            ["failed, the requester's step-up refused"] = pending with
            {
                Status = RequestStatus.Failed,
                Decisions = [approvedByBob],
                StepUps = [bobConfirmed, aliceConfirmed with { State = StepUpState.Refused }],
                FailureReason = "the second-factor confirmation came from a new device",
            },
            ["failed at the target"] = pending with
            {
                Status = RequestStatus.Failed,
                Decisions = [approvedByBob],
                StepUps = [bobConfirmed, aliceConfirmed],
                FailureReason = "the target did not answer",
            },
        };
    }

    private static string PersonOfSlackId(string slackUserId) =>
        new[] { "alice", "bob", "dave" }.Single(id => SlackChat.UserId(Directory.FindPerson(id)) == slackUserId);

    private static (List<string> Slack, List<string> Teams) RenderBoth(ApprovalCard card)
    {
        var (text, blocks) = SlackApprovalCard.Render(card, id => SlackChat.UserId(Directory.FindPerson(id)));
        var teams = TeamsApprovalCard.Activity(card);
        var slack = VisibleText.OfSlack(blocks, PersonOfSlackId);
        slack.AddRange(VisibleText.OfMrkdwn(text, PersonOfSlackId).Select(s => "summary: " + s));
        var shown = VisibleText.OfAdaptiveCard(teams["attachments"]![0]!["content"]!.AsObject());
        shown.Add("summary: " + teams["summary"]!.GetValue<string>());
        return (slack, shown);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void SlackAndTeams_ShowTheSameLines_AndButtonsExactlyWhilePending(string state)
    {
        foreach (var risk in new[] { StepUpRisk.None, new StepUpRisk(true, false), NewDeviceAndNetwork })
        {
            var request = Requests(risk)[state];
            var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(request, Role));

            Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));

            // Not an empty comparison: the facts are there, user text literal, people as their ids.
            Assert.Contains("Access request #7: prod-db-read", teams);
            Assert.Contains("Requester: alice", teams);
            Assert.Contains("Role: prod-db-read", teams);
            Assert.Contains("Duration: 2h", teams);
            Assert.Contains("Request id: 7", teams);
            Assert.Contains("Reason: " + Reason, teams);
            var approvedBy = request.Approvals.Select(a => a.ApproverId).ToList();
            Assert.Contains($"Approvals: {approvedBy.Count} of 1 approvals{(approvedBy.Count > 0 ? ": " + string.Join(", ", approvedBy) : string.Empty)}", teams);
            foreach (var decision in request.Decisions)
            {
                Assert.Contains(teams, l => l.StartsWith($"{(decision.Approved ? "Approved" : "Denied")} by {decision.ApproverId} at ", StringComparison.Ordinal));
            }

            var pending = request.Status == RequestStatus.Pending;
            Assert.Equal(pending, teams.Contains("[Approve]") && teams.Contains("[Deny]"));

            // Deny asks why on both: Teams on the card, Slack in the modal the button opens, with the same words.
            var teamsInputs = VisibleText.InputsOf(TeamsApprovalCard.Render(ApprovalCardBuilder.Build(request, Role)));
            Assert.Equal(pending ? [$"Input.ChoiceSet duration: {CardAction.ApproveForLabel}", $"Input.Text reason: {CardAction.DenyReasonLabel}"] : [], teamsInputs);

            // Approve for less: the steps below the 2h asked, on both.
            Assert.Equal(pending, teams.Contains($"[{CardAction.ApproveForLabel} 15m, 30m, 1h]") && slack.Contains($"[{CardAction.ApproveForLabel} 15m, 30m, 1h]"));
            if (pending)
            {
                var modal = SlackDenyModal.View(request.Id, "C0APPROVALS");
                Assert.Equal(CardAction.DenyReasonLabel, modal["blocks"]![0]!["label"]!["text"]!.GetValue<string>());
                Assert.Equal("plain_text_input", modal["blocks"]![0]!["element"]!["type"]!.GetValue<string>());
            }

            Assert.Equal(pending, slack.Contains("[Approve]") && slack.Contains("[Deny]"));
            Assert.Equal(!pending, teams.Any(l => l.StartsWith("Status: ", StringComparison.Ordinal)));

            // Every step-up that matters is shown with its state, and its risk signals when there are any.
            var risky = teams.Where(l => l.EndsWith($" — from a {risk.Describe()}", StringComparison.Ordinal)).ToList();
            var shownStepUps = request.StepUps.Where(s => s.State != StepUpState.Waiting || RequestMessagesShowWaiting(request, s)).ToList();
            Assert.Equal(risk.IsRisky ? shownStepUps.Count(s => s.Risk.IsRisky) : 0, risky.Count);
            Assert.Equal(shownStepUps.Count, teams.Count(l => !l.StartsWith("Status: ", StringComparison.Ordinal) && !l.StartsWith("summary: ", StringComparison.Ordinal) && (l.Contains("second factor", StringComparison.OrdinalIgnoreCase) || l.Contains("second-factor", StringComparison.OrdinalIgnoreCase))));

            // …and which factor confirmed it (a passkey by its name, or the app's code), on both platforms.
            foreach (var done in shownStepUps.Where(s => s.State != StepUpState.Waiting))
            {
                Assert.Contains(teams, l => l.Contains($" {done.PersonId} ", StringComparison.Ordinal) && l.Contains($" with {done.Factor}", StringComparison.Ordinal));
                Assert.Contains(slack, l => l.Contains($" {done.PersonId} ", StringComparison.Ordinal) && l.Contains($" with {done.Factor}", StringComparison.Ordinal));
            }
        }
    }

    private static bool RequestMessagesShowWaiting(AccessRequest request, StepUpConfirmation stepUp) =>
        (stepUp.Purpose, request.Status) is (StepUpPurpose.Requester, RequestStatus.Approved) or (StepUpPurpose.Approver, RequestStatus.Pending);

    [Theory]
    [InlineData(ExtensionStatus.Pending)]
    [InlineData(ExtensionStatus.Approved)]
    [InlineData(ExtensionStatus.Denied)]
    [InlineData(ExtensionStatus.Refused)]
    public void AnExtensionsCard_ReadsTheSameOnBoth_WithItsButtonsExactlyWhilePending(ExtensionStatus status)
    {
        var active = Requests(StepUpRisk.None)["active"];
        var extension = new AccessExtension(5, active.Id, TimeSpan.FromHours(1), status, SlackChat.Key, T0.AddMinutes(100), [], status == ExtensionStatus.Pending ? null : T0.AddMinutes(101),
            status == ExtensionStatus.Pending ? null : "bob", status == ExtensionStatus.Refused ? "the access had already ended" : null, []);
        var card = ExtensionCardBuilder.Build(extension, active, Role);
        var (slack, teams) = RenderBoth(card);

        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
        Assert.Contains("Extension #5 of request #7: prod-db-read", teams);
        Assert.Contains("Extend by: 1h", teams);
        Assert.Contains("Access ends: 2026-11-02 12:19 UTC", teams);
        var pending = status == ExtensionStatus.Pending;
        Assert.Equal(pending, teams.Contains("[Approve extension]") && teams.Contains("[Deny extension]"));
        Assert.Equal(pending, slack.Contains("[Approve extension]") && slack.Contains("[Deny extension]"));
        Assert.Empty(VisibleText.InputsOf(TeamsApprovalCard.Render(card)));
        Assert.Equal(!pending, teams.Any(l => l.StartsWith("Status: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheEndingSoonMessage_OffersTheSameDurations_OnBoth()
    {
        var notice = new EndingSoonNotice(7, "Your access to prod-db-read (request #7) ends soon, at 2026-11-02 12:19 UTC.", [TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)]);
        var (_, blocks) = SlackEndingSoonMessage.Render(notice);
        var select = blocks[1]!["elements"]![0]!;
        Assert.Equal(EndingSoonNotice.ExtendId, select["action_id"]!.GetValue<string>());
        Assert.Equal(["7:900", "7:3600"], select["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));

        var card = TeamsEndingSoonCard.Activity(notice)["attachments"]![0]!["content"]!;
        var choices = card["body"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "Input.ChoiceSet")!["choices"]!.AsArray();
        Assert.Equal(["900", "3600"], choices.Select(c => c!["value"]!.GetValue<string>()));
        Assert.Equal(EndingSoonNotice.ExtendId, card["actions"]![0]!["verb"]!.GetValue<string>());

        // Nothing to offer: no control on either.
        var plain = notice with { ExtendBy = [] };
        Assert.Single(SlackEndingSoonMessage.Render(plain).Blocks);
        Assert.Null(TeamsEndingSoonCard.Activity(plain)["attachments"]![0]!["content"]!["actions"]);
    }

    [Fact]
    public void TheStepUpStates_ReadTheSameOnBoth()
    {
        var requests = Requests(NewDeviceAndNetwork);
        var waitingForApprover = RenderBoth(ApprovalCardBuilder.Build(requests["pending, an approval waiting for its step-up"], Role));
        Assert.Contains("Approval by bob waiting for their second-factor confirmation", waitingForApprover.Teams);
        Assert.Contains("Approval by bob waiting for their second-factor confirmation", waitingForApprover.Slack);

        var waitingForRequester = RenderBoth(ApprovalCardBuilder.Build(requests["approved, waiting for the requester's step-up"], Role));
        Assert.Contains("Waiting for the requester alice to confirm with their second factor", waitingForRequester.Teams);
        Assert.Contains("Second factor confirmed by approver bob at 2026-11-02 10:17 UTC with totp — from a new device, new network", waitingForRequester.Teams);
        Assert.Contains("Status: approved, waiting for the requester to confirm with their second factor", waitingForRequester.Teams);

        var refused = RenderBoth(ApprovalCardBuilder.Build(requests["failed, the requester's step-up refused"], Role));
        Assert.Contains("Second-factor confirmation by the requester alice refused at 2026-11-02 10:18 UTC with passkey: YubiKey 5 — from a new device, new network", refused.Teams);
        Assert.Equal(refused.Slack.Order(StringComparer.Ordinal), refused.Teams.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SlackMentionsPeopleItKnows_AndNamesTheOthers_TeamsNamesEveryone()
    {
        var card = ApprovalCardBuilder.Build(Requests(StepUpRisk.None)["pending, an approval from an unknown Slack user"], Role);
        var (text, blocks) = SlackApprovalCard.Render(card, id => SlackChat.UserId(Directory.FindPerson(id)));
        var json = blocks.ToJsonString() + text;
        Assert.Contains("<@U0ALICE>", json, StringComparison.Ordinal);
        Assert.Contains("Approved by dave at", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", TeamsApprovalCard.Activity(card).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ApprovalsForLess_ReadTheSameOnBoth_AndTheShortestStands()
    {
        var pending = Requests(StepUpRisk.None)["pending"];
        var request = pending with
        {
            Decisions = [new Decision("bob", true, T0.AddMinutes(1), SlackChat.Key, Duration: TimeSpan.FromHours(1)), new Decision("dave", true, T0.AddMinutes(2), TeamsChat.Key, Duration: TimeSpan.FromMinutes(30))],
        };
        Assert.Equal(TimeSpan.FromMinutes(30), request.ApprovedDuration);
        var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(request, Role with { RequiredApprovals = 3 }));
        Assert.Contains("Duration: 30m (asked for 2h)", teams);
        Assert.Contains("Approved by bob for 1h at 2026-11-02 10:16 UTC", teams);
        Assert.Contains("Approved by dave for 30m at 2026-11-02 10:17 UTC", teams);
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));

        // Nothing shorter than 15 minutes is offered.
        var (shortSlack, shortTeams) = RenderBoth(ApprovalCardBuilder.Build(pending with { Duration = TimeSpan.FromMinutes(15) }, Role));
        Assert.DoesNotContain(shortTeams, l => l.StartsWith($"[{CardAction.ApproveForLabel}", StringComparison.Ordinal));
        Assert.Equal(shortSlack.Order(StringComparer.Ordinal), shortTeams.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnEscalation_ReadsTheSameOnBoth_AndKeepsTheButtons()
    {
        var request = Requests(StepUpRisk.None)["pending"] with { EscalatedTo = ["bob", "dave"] };
        var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(request, Role));
        Assert.Contains("Escalated to bob, dave: they may decide it too", teams);
        Assert.Contains("[Approve]", slack);
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheDenialsReason_ReadsTheSameOnBoth_Literally()
    {
        var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(Requests(StepUpRisk.None)["denied"], Role));
        Assert.Contains("Denied by dave at 2026-11-02 10:16 UTC: not during the <!here> freeze", teams);
        Assert.Contains("Status: denied by dave: not during the <!here> freeze", teams);
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheApprovalProgress_ReadsTheSameOnBoth_WithWhoApprovedSoFar()
    {
        var request = Requests(StepUpRisk.None)["pending, an approval from an unknown Slack user"];
        var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(request, Role with { RequiredApprovals = 2 }));
        Assert.Contains("Approvals: 1 of 2 approvals: dave", teams);
        Assert.Contains("[Approve]", teams);
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));

        var card = ApprovalCardBuilder.Build(request with { Decisions = [.. request.Decisions, new Decision("bob", true, T0.AddMinutes(2), SlackChat.Key)] }, Role with { RequiredApprovals = 3 });
        Assert.Contains("@U0BOB", SlackApprovalCard.Render(card, id => SlackChat.UserId(Directory.FindPerson(id))).Blocks.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Approvals: 2 of 3 approvals: dave, bob", RenderBoth(card).Teams);
    }

    [Fact]
    public void TheClickersNotice_IsOnTheCard()
    {
        var card = ApprovalCardBuilder.Build(Requests(StepUpRisk.None)["pending"], Role, notice: "You are not an approver for request #7; nothing changed.");
        var (slack, teams) = RenderBoth(card);
        Assert.Contains("You are not an approver for request #7; nothing changed.", teams);
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
    }

    public static TheoryData<int> EventCounts() => [0, 1, 4, 45];

    [Theory]
    [MemberData(nameof(EventCounts))]
    public void TheAuditTimeline_ReadsTheSameOnBoth(int events)
    {
        var request = Requests(NewDeviceAndNetwork)["active"];
        var timeline = new AuditTimeline(7, request, Records(events, note: "plain words"));
        var (slack, teams) = RenderBoth(timeline);

        Assert.Equal(slack, teams);
        Assert.Contains("Requester: alice", teams);
        Assert.Contains("Access: prod_read for alice_login at prod-db", teams);
        Assert.Contains("Reason: " + Reason, teams);
        Assert.Contains(teams, l => l.StartsWith("Status: ", StringComparison.Ordinal));
        Assert.Equal(Math.Min(events, 30), teams.Count(l => l.StartsWith("• ", StringComparison.Ordinal)));
        Assert.Equal(events > 30, teams.Contains($"{events - 30} earlier events are in the thread"));
        Assert.Equal(events > 0, teams.Any(l => l.StartsWith("Every event is a reply in this thread · latest: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheAuditTimeline_DiffersOnlyInHowManyOlderLinesFitAMessage_AndSaysSo()
    {
        // Escaped markup makes Slack's lines longer, and its history section holds 3,000 characters: fewer lines fit
        // there than on Teams. Everything else is the same, and each says how many earlier events are in the thread.
        var timeline = new AuditTimeline(7, Requests(StepUpRisk.None)["active"], Records(45, note: "<!channel> & <@U0BOB> & more"));
        var (slack, teams) = RenderBoth(timeline);

        static bool IsHistory(string line) => line.StartsWith("• ", StringComparison.Ordinal) || line.EndsWith(" earlier events are in the thread", StringComparison.Ordinal);
        Assert.Equal(slack.Where(l => !IsHistory(l)), teams.Where(l => !IsHistory(l)));
        var slackHistory = slack.Where(l => l.StartsWith("• ", StringComparison.Ordinal)).ToList();
        var teamsHistory = teams.Where(l => l.StartsWith("• ", StringComparison.Ordinal)).ToList();
        Assert.InRange(slackHistory.Count, 1, teamsHistory.Count - 1);
        Assert.Equal(teamsHistory.TakeLast(slackHistory.Count), slackHistory);
        Assert.Contains($"{45 - slackHistory.Count} earlier events are in the thread", slack);
        Assert.Contains($"{45 - teamsHistory.Count} earlier events are in the thread", teams);
        Assert.Contains("<!channel> & <@U0BOB> & more", slackHistory[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void TheAuditTimeline_OfARequestWhoseRowIsGone_ReadsTheSameOnBoth()
    {
        var timeline = new AuditTimeline(7, null, [Record(1, AuditEvents.RequestCreated)]);
        var slack = VisibleText.OfSlack(SlackAuditChannel.RenderRequest(timeline).Blocks, PersonOfSlackId);
        var teams = VisibleText.OfAdaptiveCard(TeamsAuditChannel.RequestActivity(timeline)["attachments"]![0]!["content"]!.AsObject());
        Assert.Equal(slack, teams);
        Assert.Equal("Audit · request #7", teams[0]);
    }

    [Theory]
    [InlineData(true, 7L)]
    [InlineData(true, null)]
    [InlineData(false, 7L)]
    public void AnAuditEvent_ReadsTheSameOnBoth(bool standalone, long? requestId)
    {
        var record = Record(3, AuditEvents.SecuritySignatureFailures) with { RequestId = requestId };
        var card = AuditCardBuilder.Event(record, standalone);
        var slack = VisibleText.OfMrkdwn(SlackAuditChannel.RenderEvent(card), PersonOfSlackId);
        var teams = VisibleText.OfAdaptiveCard(TeamsAuditChannel.RenderEvent(card)["attachments"]![0]!["content"]!.AsObject());

        Assert.Equal(slack, teams);
        Assert.StartsWith("Burst of requests with bad signatures by bob · 2026-11-02 10:18:00 UTC", teams[0], StringComparison.Ordinal);
        Assert.Equal(standalone && requestId is not null, teams[0].EndsWith(" · request #7", StringComparison.Ordinal));
        Assert.Equal("count: 3 · note: <!channel> & more", teams[1]);
        Assert.StartsWith("security.signature_failures · entry 3 · sha256 ", teams[2], StringComparison.Ordinal);
    }

    private static (List<string> Slack, List<string> Teams) RenderBoth(AuditTimeline timeline)
    {
        var (text, blocks) = SlackAuditChannel.RenderRequest(timeline);
        var slack = VisibleText.OfSlack(blocks, PersonOfSlackId);
        slack.Add("summary: " + string.Concat(VisibleText.OfMrkdwn(text, PersonOfSlackId)));
        Assert.DoesNotContain("<@", blocks.ToJsonString(), StringComparison.Ordinal);

        var activity = TeamsAuditChannel.RequestActivity(timeline);
        var teams = VisibleText.OfAdaptiveCard(activity["attachments"]![0]!["content"]!.AsObject());
        teams.Add("summary: " + activity["summary"]!.GetValue<string>());
        return (slack, teams);
    }

    private static List<AuditRecord> Records(int count, string note) =>
        [.. Enumerable.Range(1, count).Select(i => Record(i, i == 1 ? AuditEvents.RequestCreated : i == count ? AuditEvents.GrantSucceeded : AuditEvents.RequestApprovalRecorded, note))];

    private static AuditRecord Record(int id, string @event, string note = "<!channel> & more") => new(
        id, T0.AddMinutes(id), @event, 7, "bob", "slack", new JsonObject { ["count"] = $"{id}", ["note"] = note }.ToJsonString(), AuditChain.GenesisHash, new string('a', 64));

    [Fact]
    public void PolicyRules_AreShownOnBothPlatforms_WithTheApprovalsTheyAsked()
    {
        var requests = Requests(StepUpRisk.None);
        var pending = requests["pending"];
        var active = requests["active"];
        var approvedByBob = active.Decisions[0];
        var aliceConfirmed = active.StepUps[1];
        requests = new Dictionary<string, AccessRequest>
        {
            ["pending, one more approval asked by a policy rule"] = pending with
            {
                ExtraApprovals = 1,
                Decisions = [approvedByBob],
                PolicyRules = [new PolicyRuleHit("OutsideHours", "requested Tue 2026-12-01 03:00 Europe/Berlin, outside Mon–Fri 08:00–18:00 Europe/Berlin → one more approval")],
            },
            ["active, auto-approved by policy"] = active with
            {
                Decisions = [],
                StepUps = [aliceConfirmed],
                AutoApproved = true,
                PolicyRules = [new PolicyRuleHit("AutoApprove", "alice is among group:oncall, 1h ≤ 1h")],
            },
        };
        var (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(requests["pending, one more approval asked by a policy rule"], Role));
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
        foreach (var shown in new[] { slack, teams })
        {
            Assert.Contains(shown, l => l.Contains("1 of 2 approvals", StringComparison.Ordinal));
            Assert.Contains(shown, l => l.Contains("rule OutsideHours: requested Tue 2026-12-01 03:00 Europe/Berlin", StringComparison.Ordinal));
        }

        (slack, teams) = RenderBoth(ApprovalCardBuilder.Build(requests["active, auto-approved by policy"], Role));
        Assert.Equal(slack.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));
        foreach (var shown in new[] { slack, teams })
        {
            Assert.Contains(shown, l => l.Contains("auto-approved by policy (rule AutoApprove: alice is among group:oncall, 1h ≤ 1h)", StringComparison.Ordinal));
            Assert.DoesNotContain(shown, l => l.Contains("approvals", StringComparison.Ordinal));
        }
    }
}
