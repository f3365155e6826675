using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Slack;

/// <summary>
/// The request form through the real /slack/commands and /slack/interactions: "/jit request" without arguments,
/// "/jit" alone and the "Request access" shortcut open it with views.open; its view_submission is checked like the
/// command, answering problems on the right block and keeping the modal open, and a valid one requests exactly as the
/// command does.
/// </summary>
public sealed class SlackRequestModalTests
{
    /// <summary>alice may request prod-db-read (up to 4h); only carol may request staging-db-write (up to 1h).</summary>
    private static Task<BotHost> StartAsync() => BotHost.StartAsync(s =>
    {
        s["Roles:staging-db-write:Description"] = "Writes on staging";
        s["Roles:staging-db-write:Target"] = "prod-db";
        s["Roles:staging-db-write:Grant"] = s["Roles:prod-db-read:Grant"];
        s["Roles:staging-db-write:MaxDuration"] = "01:00:00";
        s["Roles:staging-db-write:Approvers:0"] = "bob";
        s["Roles:staging-db-write:Requesters:0"] = "carol";
        s["Roles:staging-db-write:SlackChannel"] = BotHost.ApprovalChannel;
    });

    private static JsonObject OnlyModal(BotHost bot)
    {
        var opened = Assert.Single(bot.Slack.CallsTo("views.open"));
        Assert.False(string.IsNullOrEmpty(opened.Body["trigger_id"]?.GetValue<string>()), "views.open carries the trigger_id");
        return opened.Body["view"]!.AsObject();
    }

    private static JsonArray OptionsOf(JsonObject view, string blockId) =>
        view["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == blockId)!["element"]!["options"]!.AsArray();

    /// <summary>Submits the request modal as Slack does: the picked options and the typed reason under view.state.values.</summary>
    private static Task<HttpResponseMessage> SubmitAsync(BotHost bot, string userId, JsonObject view, string? role, long? seconds, string? reason)
    {
        static JsonObject Selected(string? value) => new()
        {
            ["type"] = "static_select",
            ["selected_option"] = value is null ? null : new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value },
        };

        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["trigger_id"] = $"submit-{Guid.NewGuid():N}",
            ["view"] = new JsonObject
            {
                ["id"] = "V0REQUEST",
                ["type"] = "modal",
                ["callback_id"] = view["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        [SlackRequestModal.RoleBlock] = new JsonObject { [SlackRequestModal.RoleAction] = Selected(role) },
                        [SlackRequestModal.DurationBlock] = new JsonObject { [SlackRequestModal.DurationAction] = Selected(seconds?.ToString(CultureInfo.InvariantCulture)) },
                        [SlackRequestModal.ReasonBlock] = new JsonObject { [SlackRequestModal.ReasonAction] = new JsonObject { ["type"] = "plain_text_input", ["value"] = reason } },
                    },
                },
            },
        };
        return bot.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
    }

    private static Task<HttpResponseMessage> ShortcutAsync(BotHost bot, string userId, string triggerId, string callbackId = SlackRequestModal.ShortcutCallbackId)
    {
        var payload = new JsonObject
        {
            ["type"] = "shortcut",
            ["token"] = "legacy",
            ["action_ts"] = "1700000000.000400",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userId.ToLowerInvariant(), ["team_id"] = "T0TEAM" },
            ["callback_id"] = callbackId,
            ["trigger_id"] = triggerId,
        };
        return bot.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
    }

    /// <summary>The errors of a response_action: errors answer, by block id.</summary>
    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", body["response_action"]!.GetValue<string>());
        return body["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());
    }

    [Fact]
    public async Task JitRequestWithoutArguments_OpensTheForm_WithOnlyTheRolesThisPersonMayRequest_AndItsSubmissionRequestsAsTheCommandDoes()
    {
        await using var bot = await StartAsync();
        var reply = await bot.CommandAsync("U0ALICE", "request");
        Assert.Contains("Which role? Write it as: jit request", reply, StringComparison.Ordinal);

        var view = OnlyModal(bot);
        Assert.Equal(SlackRequestModal.CallbackId, view["callback_id"]!.GetValue<string>());
        var role = Assert.Single(OptionsOf(view, SlackRequestModal.RoleBlock));
        Assert.Equal("prod-db-read", role!["value"]!.GetValue<string>());
        Assert.Equal("Read-only access to production (up to 4h)", role["description"]!["text"]!.GetValue<string>());
        Assert.Equal(["900", "1800", "3600", "7200", "14400"], OptionsOf(view, SlackRequestModal.DurationBlock).Select(o => o!["value"]!.GetValue<string>()));
        var reason = view["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == SlackRequestModal.ReasonBlock)!;
        Assert.Equal("plain_text_input", reason["element"]!["type"]!.GetValue<string>());

        // A valid submission closes the modal (an empty 200) and makes the request the command would have made.
        using var submitted = await SubmitAsync(bot, "U0ALICE", view, "prod-db-read", 7200, "  fix INC-77 <!channel>  ");
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(string.Empty, await submitted.Content.ReadAsStringAsync());
        var id = (await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT coalesce(max(id), 0) FROM jit.access_requests") is > 0 and var found ? (long?)found : null, "the request from the form"))!.Value;
        var request = await bot.RequestAsync(id);
        Assert.Equal(("alice", "prod-db-read", TimeSpan.FromHours(2), "fix INC-77 <!channel>", RequestStatus.Pending), (request.PersonId, request.RoleName, request.Duration, request.Reason, request.Status));
        Assert.Equal(1, await bot.AuditCountAsync("request.created", id));

        // Told where the command was typed, in the command's words; the card goes to the approvers.
        await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Body["user"]?.GetValue<string>() == "U0ALICE"
            && c.Body["channel"]?.GetValue<string>() == "C0REQUESTS" && c.Text == $"Request #{id} for prod-db-read (2h) was sent to its approvers. You will get a message when it is decided.")), "the requester's answer");
        await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains($"jit_decision_{id}", StringComparison.Ordinal))), "the approval card");

        // …and it goes on as any request.
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task JitAlone_OpensTheForm_AndStillAnswersWithTheUsage()
    {
        await using var bot = await StartAsync();
        var reply = await bot.CommandAsync("U0CAROL", string.Empty);
        Assert.Contains("jit request &lt;role&gt; &lt;duration&gt; &lt;reason…&gt;", reply, StringComparison.Ordinal);
        var view = OnlyModal(bot);
        Assert.Equal(["prod-db-read", "staging-db-write"], OptionsOf(view, SlackRequestModal.RoleBlock).Select(o => o!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PickingARole_NarrowsTheDurationsToItsMaximum_KeepingWhatWasTyped()
    {
        await using var bot = await StartAsync();
        await bot.CommandAsync("U0CAROL", "request");
        var view = OnlyModal(bot);
        Assert.Equal(["900", "1800", "3600", "7200", "14400"], OptionsOf(view, SlackRequestModal.DurationBlock).Select(o => o!["value"]!.GetValue<string>()));

        // Slack sends the pick at once (the role input dispatches actions), with the view as it stands.
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "U0CAROL", ["username"] = "u0carol", ["team_id"] = "T0TEAM" },
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["api_app_id"] = "A0APP",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "V0REQUEST" },
            ["trigger_id"] = "pick-1.2.3",
            ["view"] = new JsonObject
            {
                ["id"] = "V0REQUEST",
                ["hash"] = "1700000000.abcd",
                ["type"] = "modal",
                ["callback_id"] = SlackRequestModal.CallbackId,
                ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        [SlackRequestModal.DurationBlock] = new JsonObject { [SlackRequestModal.DurationAction] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "14400" } } },
                        [SlackRequestModal.ReasonBlock] = new JsonObject { [SlackRequestModal.ReasonAction] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "load test" } },
                    },
                },
            },
            ["actions"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "static_select",
                    ["action_id"] = SlackRequestModal.RoleAction,
                    ["block_id"] = SlackRequestModal.RoleBlock,
                    ["selected_option"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "staging-db-write" }, ["value"] = "staging-db-write" },
                    ["action_ts"] = "1700000000.000500",
                },
            },
        };
        using (var response = await bot.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var update = Assert.Single(bot.Slack.CallsTo("views.update"));
        Assert.Equal(("V0REQUEST", "1700000000.abcd"), (update.Body["view_id"]!.GetValue<string>(), update.Body["hash"]!.GetValue<string>()));
        var narrowed = update.Body["view"]!.AsObject();
        Assert.Equal(["900", "1800", "3600"], OptionsOf(narrowed, SlackRequestModal.DurationBlock).Select(o => o!["value"]!.GetValue<string>()));
        var blocks = narrowed["blocks"]!.AsArray();
        Assert.Equal("staging-db-write", blocks.Single(b => b!["block_id"]!.GetValue<string>() == SlackRequestModal.RoleBlock)!["element"]!["initial_option"]!["value"]!.GetValue<string>());
        Assert.Null(blocks.Single(b => b!["block_id"]!.GetValue<string>() == SlackRequestModal.DurationBlock)!["element"]!["initial_option"]);
        Assert.Equal("load test", blocks.Single(b => b!["block_id"]!.GetValue<string>() == SlackRequestModal.ReasonBlock)!["element"]!["initial_value"]!.GetValue<string>());
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
    }

    [Fact]
    public async Task ASomeoneNotRegistered_GetsNoForm_ButTheCommandsAnswer()
    {
        await using var bot = await StartAsync();
        Assert.Contains("Which role?", await bot.CommandAsync("U0NOBODY", "request"), StringComparison.Ordinal);
        Assert.Empty(bot.Slack.CallsTo("views.open"));
    }

    [Fact]
    public async Task InvalidSubmissions_AreAnsweredOnTheirBlock_KeepTheModalOpen_AndChangeNothing()
    {
        await using var bot = await StartAsync();
        await bot.CommandAsync("U0ALICE", "request");
        var view = OnlyModal(bot);

        var missing = await ErrorsAsync(await SubmitAsync(bot, "U0ALICE", view, null, null, " "));
        Assert.Equal("Pick the role you need.", missing[SlackRequestModal.RoleBlock]);
        Assert.Equal("Pick how long you need it.", missing[SlackRequestModal.DurationBlock]);
        Assert.Equal("A reason is required so approvers and auditors know why.", missing[SlackRequestModal.ReasonBlock]);

        var tooLong = await ErrorsAsync(await SubmitAsync(bot, "U0ALICE", view, "prod-db-read", 8 * 3600, "fix"));
        Assert.Equal("prod-db-read can be granted for at most 4h; pick a shorter duration.", Assert.Single(tooLong).Value);
        Assert.Equal(SlackRequestModal.DurationBlock, tooLong.Keys.Single());

        var notAllowed = await ErrorsAsync(await SubmitAsync(bot, "U0ALICE", view, "staging-db-write", 1800, "fix"));
        Assert.Contains("Roles:staging-db-write:Requesters", notAllowed[SlackRequestModal.RoleBlock], StringComparison.Ordinal);

        var unknown = await ErrorsAsync(await SubmitAsync(bot, "U0ALICE", view, "root", 1800, "fix"));
        Assert.Contains("There is no role \"root\"", unknown[SlackRequestModal.RoleBlock], StringComparison.Ordinal);

        var longReason = await ErrorsAsync(await SubmitAsync(bot, "U0ALICE", view, "prod-db-read", 1800, new string('x', 501)));
        Assert.Equal("The reason is 501 characters long; keep it under 500.", longReason[SlackRequestModal.ReasonBlock]);

        var stranger = await ErrorsAsync(await SubmitAsync(bot, "U0NOBODY", view, "prod-db-read", 1800, "fix"));
        Assert.Contains("not registered", stranger[SlackRequestModal.RoleBlock], StringComparison.Ordinal);

        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log"));
    }

    [Fact]
    public async Task TheShortcut_OpensTheForm_AndTheRequestIsToldByDirectMessage()
    {
        await using var bot = await StartAsync();
        using (var response = await ShortcutAsync(bot, "U0ALICE", "shortcut-1.2.3"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var opened = Assert.Single(bot.Slack.CallsTo("views.open"));
        Assert.Equal("shortcut-1.2.3", opened.Body["trigger_id"]!.GetValue<string>());
        var view = opened.Body["view"]!.AsObject();
        Assert.Equal("prod-db-read", Assert.Single(OptionsOf(view, SlackRequestModal.RoleBlock))!["value"]!.GetValue<string>());

        using var submitted = await SubmitAsync(bot, "U0ALICE", view, "prod-db-read", 1800, "deploy");
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        await Wait.UntilAsync(() => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "DU0ALICE"
            && c.Text.EndsWith("for prod-db-read (30m) was sent to its approvers. You will get a message when it is decided.", StringComparison.Ordinal))), "the answer by DM");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE person_id = 'alice' AND duration_seconds = 1800"));
    }

    [Fact]
    public async Task TheShortcut_ForSomeoneNotRegistered_OpensAModalThatSaysSo_AndAnUnknownShortcutIsRefused()
    {
        await using var bot = await StartAsync();
        using (var response = await ShortcutAsync(bot, "U0NOBODY", "shortcut-2.2.3"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var view = OnlyModal(bot);
        Assert.Null(view["submit"]);
        Assert.Contains("not registered", view.ToJsonString(), StringComparison.Ordinal);

        using var unknown = await ShortcutAsync(bot, "U0ALICE", "shortcut-3.2.3", callbackId: "something_else");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Single(bot.Slack.CallsTo("views.open"));
    }
}
