using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Sandbox;

/// <summary>The sandbox's Slack Web API speaks Slack's wire format: bearer token, JSON or form arguments, the ok/error envelope.</summary>
public sealed class SandboxWebApiTests : IAsyncLifetime
{
    private BotHost _bot = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _bot = await SandboxHost.StartAsync(configure: s =>
        {
            s["Sandbox:UserGroups:S0DBAS:0"] = "bob";
            s["Sandbox:UserGroups:S0DBAS:1"] = "dave";
        });
        _api = new HttpClient { BaseAddress = _bot.Settings().ApiBase };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _bot.Settings().BotToken);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _bot.DisposeAsync();
    }

    private async Task<JsonObject> PostAsync(string method, object body)
    {
        using var response = await _api.PostAsync(method, new StringContent(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private async Task<JsonObject> GetAsync(string methodAndQuery)
    {
        using var response = await _api.GetAsync(methodAndQuery);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static void AssertError(string error, JsonObject answer)
    {
        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.Equal(error, answer["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutTheBotToken_EveryMethodIsRefused()
    {
        using var anonymous = new HttpClient { BaseAddress = _bot.Settings().ApiBase };
        AssertError("not_authed", JsonNode.Parse(await (await anonymous.PostAsync("chat.postMessage", new StringContent("{}", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync())!.AsObject());
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "xoxb-wrong");
        AssertError("invalid_auth", JsonNode.Parse(await anonymous.GetStringAsync("users.info?user=U0ALICE"))!.AsObject());
        AssertError("unknown_method", await PostAsync("chat.scheduleMessage", new { channel = "C0APPROVALS", text = "x" }));
    }

    [Fact]
    public async Task PostAndUpdate_KeepTheMessage_WithBlockIdsAsSlackAssignsThem()
    {
        var posted = await PostAsync("chat.postMessage", new { channel = BotHost.ApprovalChannel, text = "card", blocks = new object[] { new { type = "section", text = new { type = "mrkdwn", text = "*hi*" } } } });
        Assert.True(posted["ok"]!.GetValue<bool>());
        Assert.Equal(BotHost.ApprovalChannel, posted["channel"]!.GetValue<string>());
        var ts = posted["ts"]!.GetValue<string>();
        Assert.Matches(@"^\d{10}\.\d{6}$", ts);
        Assert.False(string.IsNullOrEmpty(posted["message"]!["blocks"]![0]!["block_id"]!.GetValue<string>()));

        var reply = await PostAsync("chat.postMessage", new { channel = BotHost.ApprovalChannel, text = "in thread", thread_ts = ts });
        Assert.Equal(ts, reply["message"]!["thread_ts"]!.GetValue<string>());

        var updated = await PostAsync("chat.update", new { channel = BotHost.ApprovalChannel, ts, text = "card v2" });
        Assert.True(updated["ok"]!.GetValue<bool>());
        Assert.Equal("card v2", updated["text"]!.GetValue<string>());
        var stored = _bot.Workspace().FindMessage(BotHost.ApprovalChannel, ts)!;
        Assert.True(stored.Edited);
        Assert.Equal("card v2", stored.Text);

        AssertError("message_not_found", await PostAsync("chat.update", new { channel = BotHost.ApprovalChannel, ts = "1.000001", text = "x" }));
        AssertError("channel_not_found", await PostAsync("chat.postMessage", new { channel = "C0NOWHERE", text = "x" }));
        AssertError("no_text", await PostAsync("chat.postMessage", new { channel = BotHost.ApprovalChannel }));
        AssertError("invalid_blocks", await PostAsync("chat.postMessage", new { channel = BotHost.ApprovalChannel, text = "x", blocks = new object[] { new { text = "no type" } } }));
    }

    [Fact]
    public async Task FormEncodedArguments_AndTheTokenAsAField_AreAcceptedToo()
    {
        using var anonymous = new HttpClient { BaseAddress = _bot.Settings().ApiBase };
        using var response = await anonymous.PostAsync("chat.postMessage", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = _bot.Settings().BotToken,
            ["channel"] = SandboxHost.AuditChannel,
            ["text"] = "from a form",
            ["blocks"] = """[{"type":"divider"}]""",
        }));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(answer["ok"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.Equal("divider", answer["message"]!["blocks"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectMessagesAndEphemeralMessages_GoToThePerson()
    {
        var opened = await PostAsync("conversations.open", new { users = "U0ALICE" });
        Assert.Equal("DU0ALICE", opened["channel"]!["id"]!.GetValue<string>());
        Assert.Equal("DU0ALICE", (await PostAsync("chat.postMessage", new { channel = "U0ALICE", text = "by user id" }))["channel"]!.GetValue<string>());
        AssertError("user_not_found", await PostAsync("conversations.open", new { users = "U0NOBODY" }));
        AssertError("users_list_not_supplied", await PostAsync("conversations.open", new { }));

        var ephemeral = await PostAsync("chat.postEphemeral", new { channel = BotHost.ApprovalChannel, user = "U0BOB", text = "only bob" });
        Assert.Matches(@"^\d{10}\.\d{6}$", ephemeral["message_ts"]!.GetValue<string>());
        AssertError("user_not_found", await PostAsync("chat.postEphemeral", new { channel = BotHost.ApprovalChannel, user = "U0NOBODY", text = "x" }));

        var workspace = _bot.Workspace();
        Assert.Contains(workspace.Scene(workspace.FindByPersonId("bob")!).Ephemerals, e => e.Text == "only bob");
        Assert.DoesNotContain(workspace.Scene(workspace.FindByPersonId("alice")!).Ephemerals, e => e.Text == "only bob");
        Assert.Contains(workspace.Scene(workspace.FindByPersonId("alice")!).Messages, m => m.Channel == "DU0ALICE" && m.Text == "by user id");
        Assert.DoesNotContain(workspace.Scene(workspace.FindByPersonId("bob")!).Messages, m => m.Channel == "DU0ALICE");
    }

    [Fact]
    public async Task UsersAndUserGroups_AreReadWithAQueryString_NotAJsonBody()
    {
        var user = await GetAsync("users.info?user=U0ALICE");
        Assert.True(user["ok"]!.GetValue<bool>());
        Assert.Equal("alice", user["user"]!["name"]!.GetValue<string>());
        AssertError("user_not_found", await GetAsync("users.info?user=U0NOBODY"));
        AssertError("invalid_arguments", await PostAsync("users.info", new { user = "U0ALICE" }));

        var group = await GetAsync("usergroups.users.list?usergroup=S0DBAS");
        Assert.Equal(new[] { "U0BOB", "U0DAVE" }, group["users"]!.AsArray().Select(u => u!.GetValue<string>()));
        AssertError("no_such_subteam", await GetAsync("usergroups.users.list?usergroup=S0NONE"));
    }

    [Fact]
    public async Task Modals_NeedAFreshTriggerFromSomethingThePersonDid_AndUpdatesNeedTheCurrentHash()
    {
        var view = new
        {
            type = "modal",
            title = new { type = "plain_text", text = "Deny request" },
            submit = new { type = "plain_text", text = "Deny" },
            blocks = new object[] { new { type = "input", label = new { type = "plain_text", text = "Reason" }, element = new { type = "plain_text_input" } } },
        };
        var workspace = _bot.Workspace();
        AssertError("invalid_trigger_id", await PostAsync("views.open", new { trigger_id = "1.2.3", view }));

        var trigger = workspace.IssueTrigger("U0BOB");
        var opened = await PostAsync("views.open", new { trigger_id = trigger, view });
        Assert.True(opened["ok"]!.GetValue<bool>(), opened.ToJsonString());
        var viewId = opened["view"]!["id"]!.GetValue<string>();
        var hash = opened["view"]!["hash"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(opened["view"]!["blocks"]![0]!["block_id"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(opened["view"]!["blocks"]![0]!["element"]!["action_id"]!.GetValue<string>()));
        Assert.Equal(viewId, workspace.Scene(workspace.FindByPersonId("bob")!).Modal!.Id);
        AssertError("exchanged_trigger_id", await PostAsync("views.open", new { trigger_id = trigger, view }));

        var late = workspace.IssueTrigger("U0BOB");
        _bot.Time.Advance(TimeSpan.FromSeconds(4));
        AssertError("expired_trigger_id", await PostAsync("views.open", new { trigger_id = late, view }));
        AssertError("invalid_arguments", await PostAsync("views.open", new { trigger_id = workspace.IssueTrigger("U0BOB"), view = new { type = "modal", title = new { type = "plain_text", text = "A title far longer than Slack allows" }, blocks = Array.Empty<object>() } }));

        AssertError("hash_conflict", await PostAsync("views.update", new { view_id = viewId, hash = "stale", view }));
        var updated = await PostAsync("views.update", new { view_id = viewId, hash, view });
        Assert.Equal(viewId, updated["view"]!["id"]!.GetValue<string>());
        Assert.NotEqual(hash, updated["view"]!["hash"]!.GetValue<string>());
        AssertError("not_found", await PostAsync("views.update", new { view_id = "V0NONE", view }));
    }

    [Fact]
    public async Task AHomeTab_IsPublishedPerPerson()
    {
        var home = new { type = "home", blocks = new object[] { new { type = "section", text = new { type = "mrkdwn", text = "Your requests" } } } };
        var published = await PostAsync("views.publish", new { user_id = "U0CAROL", view = home });
        Assert.Equal("home", published["view"]!["type"]!.GetValue<string>());
        AssertError("invalid_arguments", await PostAsync("views.publish", new { user_id = "U0CAROL", view = new { type = "modal", blocks = Array.Empty<object>() } }));
        AssertError("user_not_found", await PostAsync("views.publish", new { user_id = "U0NOBODY", view = home }));

        var workspace = _bot.Workspace();
        Assert.Equal(published["view"]!["id"]!.GetValue<string>(), workspace.Scene(workspace.FindByPersonId("carol")!).Home!.Id);
        Assert.Null(workspace.Scene(workspace.FindByPersonId("bob")!).Home);
    }
}
