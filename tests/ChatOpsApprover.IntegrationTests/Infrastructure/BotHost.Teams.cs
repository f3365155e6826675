using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Teams;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Microsoft Entra object ids of the test people, as Teams sends them in from.aadObjectId.</summary>
public static class TeamsIds
{
    public const string Alice = "aaaaaaaa-0000-4000-8000-000000000001";
    public const string Bob = "bbbbbbbb-0000-4000-8000-000000000002";
    public const string Carol = "cccccccc-0000-4000-8000-000000000003";
    public const string Dave = "dddddddd-0000-4000-8000-000000000004";
    public const string Erin = "eeeeeeee-0000-4000-8000-000000000005";
    public const string Stranger = "ffffffff-0000-4000-8000-000000000006";

    /// <summary>The Teams user id (29:…) the connector uses for a person.</summary>
    public static string TeamsUserId(string aadObjectId) => $"29:1{aadObjectId[..8]}-teams";

    public static string PersonalConversation(string aadObjectId) => $"a:1personal-{aadObjectId[..8]}";
}

/// <summary>Speaking as Teams: activities signed by the fake Bot Connector issuer, posted to /api/messages.</summary>
public sealed partial class BotHost
{
    public const string TeamsRequestsChannel = "19:requests@thread.tacv2";
    private static long _teamsActivityIds = 1_800_000_000_000;

    public static string NextTeamsActivityId() => Interlocked.Increment(ref _teamsActivityIds).ToString(CultureInfo.InvariantCulture);

    /// <summary>A message activity as Teams sends it: in the person's 1:1 chat, or in a channel with an @mention of the bot.</summary>
    public JsonObject TeamsMessage(string aadObjectId, string text, bool inChannel = false)
    {
        var activity = BaseActivity("message", aadObjectId, inChannel);
        activity["text"] = inChannel ? $"<at>JIT</at> {text}" : text;
        activity["textFormat"] = "plain";
        if (inChannel)
        {
            activity["entities"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "mention",
                    ["text"] = "<at>JIT</at>",
                    ["mentioned"] = new JsonObject { ["id"] = $"28:{FakeTeamsServer.AppId}", ["name"] = "JIT" },
                },
            };
        }

        return activity;
    }

    /// <summary>An Action.Execute click on the approval card, as the adaptiveCard/action invoke Teams sends.</summary>
    public JsonObject TeamsCardAction(string aadObjectId, long requestId, string verb, JsonObject? inputs = null)
    {
        var activity = BaseActivity("invoke", aadObjectId, inChannel: true);
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["id"] = verb,
                ["verb"] = verb,
                ["data"] = Data(requestId, inputs),
            },
            ["trigger"] = "manual",
        };
        return activity;
    }

    /// <summary>The action's data as Teams sends it: the card's data with the inputs merged in under their ids.</summary>
    private static JsonObject Data(long requestId, JsonObject? inputs)
    {
        var data = new JsonObject { ["requestId"] = requestId };
        foreach (var (key, value) in inputs ?? [])
        {
            data[key] = value?.DeepClone();
        }

        return data;
    }

    private JsonObject BaseActivity(string type, string aadObjectId, bool inChannel)
    {
        var conversation = inChannel
            ? new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = FakeTeamsServer.TenantId, ["id"] = $"{TeamsRequestsChannel};messageid=1700000000001" }
            : new JsonObject { ["conversationType"] = "personal", ["tenantId"] = FakeTeamsServer.TenantId, ["id"] = TeamsIds.PersonalConversation(aadObjectId) };
        var channelData = new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeTeamsServer.TenantId } };
        if (inChannel)
        {
            channelData["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2" };
            channelData["channel"] = new JsonObject { ["id"] = TeamsRequestsChannel };
        }

        return new JsonObject
        {
            ["type"] = type,
            ["id"] = NextTeamsActivityId(),
            ["timestamp"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["localTimestamp"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["serviceUrl"] = Teams.ServiceUrl.ToString(),
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = TeamsIds.TeamsUserId(aadObjectId), ["name"] = "Someone", ["aadObjectId"] = aadObjectId },
            ["conversation"] = conversation,
            ["recipient"] = new JsonObject { ["id"] = $"28:{FakeTeamsServer.AppId}", ["name"] = "JIT" },
            ["locale"] = "en-US",
            ["channelData"] = channelData,
        };
    }

    /// <summary>Posts an activity with a bearer token (by default a valid one for its serviceUrl).</summary>
    public Task<HttpResponseMessage> PostTeamsAsync(JsonObject activity, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        token ??= Teams.MintToken(Time.GetUtcNow(), activity["serviceUrl"]?.GetValue<string>());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    /// <summary>Writes "{text}" to the bot as <paramref name="aadObjectId"/> and returns the bot's reply.</summary>
    public async Task<string> TeamsCommandAsync(string aadObjectId, string text, bool inChannel = false)
    {
        var activity = TeamsMessage(aadObjectId, text, inChannel);
        using var response = await PostTeamsAsync(activity);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var id = activity["id"]!.GetValue<string>();
        var calls = Teams.Calls.ToList();
        var reply = calls.SingleOrDefault(c => c.Operation == "reply" && c.ActivityId == id);
        Assert.True(reply is not null, "the bot replied to the command before answering the connector");
        Assert.Equal(activity["conversation"]!["id"]!.GetValue<string>(), reply.ConversationId);
        if (!inChannel)
        {
            return reply.Text;
        }

        // In a channel the answer goes to the asker's 1:1 chat; the channel only hears that it did.
        Assert.Equal("I have answered you in our 1:1 chat.", reply.Text);
        var oneToOne = new[] { TeamsIds.PersonalConversation(aadObjectId), $"a:dm-{TeamsIds.TeamsUserId(aadObjectId)}" };
        var answer = calls.Take(calls.IndexOf(reply)).LastOrDefault(c => c.Operation == "send" && oneToOne.Contains(c.ConversationId));
        Assert.True(answer is not null, "the answer went to the asker's 1:1 chat");
        return answer.Text;
    }

    /// <summary>Asks for access on Teams and returns the new request's id, read from the reply.</summary>
    public async Task<long> TeamsRequestAccessAsync(string aadObjectId = TeamsIds.Alice, string text = "jit request prod-db-read 2h fix INC-1234")
    {
        var reply = await TeamsCommandAsync(aadObjectId, text);
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"Request #(\d+)");
        Assert.True(match.Success, $"Expected a request id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Clicks Approve or Deny on the Teams card, with what was typed or chosen on it (a denial's reason by default);
    /// returns the invoke response body.
    /// </summary>
    public async Task<JsonObject> TeamsClickAsync(string aadObjectId, long requestId, bool approve, JsonObject? inputs = null)
    {
        inputs ??= approve ? null : new JsonObject { [TeamsApprovalCard.ReasonInput] = "not needed now" };
        using var response = await PostTeamsAsync(TeamsCardAction(aadObjectId, requestId, approve ? TeamsApprovalCard.ApproveVerb : TeamsApprovalCard.DenyVerb, inputs));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        return (JsonObject)JsonNode.Parse(body)!;
    }
}
