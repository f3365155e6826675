using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Chat.Teams;

/// <summary>
/// Asking without the grammar on Teams: "jit request" alone in the 1:1 chat answers with a form of the roles this
/// person may request; its submission is checked like the command, refused ones come back on the same form with the
/// values kept, and the bot's install in personal scope says hello with a button to the form.
/// </summary>
public sealed class TeamsRequestFormTests
{
    [Fact]
    public async Task JitRequestAlone_AnswersWithTheForm_OfTheRolesThisPersonMayRequest()
    {
        await using var bot = await BotHost.StartAsync();

        var card = await FormReplyAsync(bot, TeamsIds.Alice);

        var role = Input(card, "role");
        var choice = Assert.Single(role["choices"]!.AsArray());
        Assert.Equal("prod-db-read", choice!["value"]!.GetValue<string>());
        Assert.Contains("Read-only access to production", choice["title"]!.GetValue<string>(), StringComparison.Ordinal);
        var durations = Input(card, "duration")["choices"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ToArray();
        Assert.Equal(["15m", "30m", "1h", "2h", "4h"], durations);
        Assert.True(Input(card, "reason")["isRequired"]!.GetValue<bool>());
        Assert.Equal(TeamsRequestForm.SubmitVerb, card["actions"]![0]!["verb"]!.GetValue<string>());

        // bob approves but has no login at any target: nothing to offer, and the form says so.
        var empty = await FormReplyAsync(bot, TeamsIds.Bob);
        Assert.Null(empty["actions"]);
        Assert.Contains(empty["body"]!.AsArray(), b => Words(b!).StartsWith("There is no role you may request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AValidSubmission_RequestsExactlyAsTheCommandWould()
    {
        await using var bot = await BotHost.StartAsync();

        var answer = await SubmitAsync(bot, TeamsIds.Alice, "prod-db-read", "3600", "fix INC-4242 from the form");

        var text = answer["value"]!.ToJsonString();
        var match = System.Text.RegularExpressions.Regex.Match(text, @"Request #(\d+)");
        Assert.True(match.Success, text);
        var request = await bot.RequestAsync(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(RequestStatus.Pending, request.Status);
        Assert.Equal("alice", request.PersonId);
        Assert.Equal(TimeSpan.FromHours(1), request.Duration);
        Assert.Equal("fix INC-4242 from the form", request.Reason);
        await Wait.UntilAsync(() => Task.FromResult(bot.Teams.CallsTo("send").Any(c => c.ConversationId == BotHost.TeamsApprovalChannel && c.Json.Contains("fix INC-4242", StringComparison.Ordinal))), "the approval card to reach the Teams channel");
    }

    [Theory]
    [InlineData("prod-db-read", "3600", "", "reason", "A reason is required")]
    [InlineData("prod-db-read", "0", "fix it", "duration", "Pick how long you need it")]
    [InlineData("prod-db-read", "", "fix it", "duration", "Pick how long you need it")]
    [InlineData("prod-db-read", "28800", "fix it", "duration", "prod-db-read can be granted for at most 4h")]
    [InlineData("root", "3600", "fix it", "role", "There is no role \"root\"")]
    [InlineData("", "3600", "fix it", "role", "Pick the role you need")]
    public async Task AnInvalidSubmission_ComesBackOnTheSameForm_WithTheValuesKept_AndRequestsNothing(string role, string duration, string reason, string field, string error)
    {
        await using var bot = await BotHost.StartAsync();

        var answer = await SubmitAsync(bot, TeamsIds.Alice, role, duration, reason);

        var card = answer["value"]!.AsObject();
        Assert.Equal(TeamsRequestForm.SubmitVerb, card["actions"]![0]!["verb"]!.GetValue<string>());
        var body = card["body"]!.AsArray();
        Assert.Contains(body, b => Words(b!).StartsWith("Nothing was requested yet", StringComparison.Ordinal));

        // The problem is said right under its field.
        var errorLine = body.IndexOf(body.First(b => b!["type"]!.GetValue<string>() == "RichTextBlock" && Words(b!).Contains(error, StringComparison.Ordinal)));
        Assert.Equal(field, body[errorLine - 1]!["id"]!.GetValue<string>());
        if (reason.Length > 0)
        {
            Assert.Equal(reason, Input(card, "reason")["value"]!.GetValue<string>());
        }

        if (role.Length > 0)
        {
            Assert.Equal(role, Input(card, "role")["value"]!.GetValue<string>());
        }

        Assert.Equal(0L, await RequestCountAsync(bot));
    }

    [Fact]
    public async Task InstalledInPersonalScope_TheBotSaysHowToStart_AndItsButtonShowsTheForm()
    {
        await using var bot = await BotHost.StartAsync();
        var installed = bot.TeamsMessage(TeamsIds.Alice, string.Empty);
        installed["type"] = "conversationUpdate";
        installed.Remove("text");
        installed["membersAdded"] = new JsonArray { new JsonObject { ["id"] = $"28:{FakeTeamsServer.AppId}" } };

        using (var response = await bot.PostTeamsAsync(installed))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var welcome = Assert.Single(bot.Teams.CallsTo("send"), c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice));
        Assert.Contains("jit request", welcome.Json, StringComparison.Ordinal);
        Assert.Equal(TeamsRequestForm.OpenVerb, welcome.Card!["actions"]![0]!["verb"]!.GetValue<string>());

        // The same activity again (the connector's retry) does not greet twice; a person joining is not the bot's install.
        using (await bot.PostTeamsAsync(installed))
        {
        }

        var someoneElse = bot.TeamsMessage(TeamsIds.Alice, string.Empty);
        someoneElse["type"] = "conversationUpdate";
        someoneElse["membersAdded"] = new JsonArray { new JsonObject { ["id"] = TeamsIds.TeamsUserId(TeamsIds.Carol) } };
        using (await bot.PostTeamsAsync(someoneElse))
        {
        }

        Assert.Single(bot.Teams.CallsTo("send"), c => c.ConversationId == TeamsIds.PersonalConversation(TeamsIds.Alice));

        using var click = await bot.PostTeamsAsync(bot.TeamsCardAction(TeamsIds.Alice, 0, TeamsRequestForm.OpenVerb));
        var form = JsonNode.Parse(await click.Content.ReadAsStringAsync())!["value"]!.AsObject();
        Assert.Equal("prod-db-read", Input(form, "role")["choices"]![0]!["value"]!.GetValue<string>());
    }

    private static async Task<JsonObject> FormReplyAsync(BotHost bot, string aadObjectId)
    {
        var activity = bot.TeamsMessage(aadObjectId, "jit request");
        using var response = await bot.PostTeamsAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(bot.Teams.CallsTo("reply"), c => c.ActivityId == activity["id"]!.GetValue<string>());
        Assert.NotNull(reply.Card);
        return reply.Card;
    }

    private static async Task<JsonObject> SubmitAsync(BotHost bot, string aadObjectId, string role, string duration, string reason)
    {
        var inputs = new JsonObject();
        foreach (var (key, value) in new[] { ("role", role), ("duration", duration), ("reason", reason) })
        {
            if (value.Length > 0)
            {
                inputs[key] = value;
            }
        }

        using var response = await bot.PostTeamsAsync(bot.TeamsCardAction(aadObjectId, 0, TeamsRequestForm.SubmitVerb, inputs));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>The text a RichTextBlock shows (its runs, joined).</summary>
    private static string Words(JsonNode block) =>
        string.Concat(block["inlines"]?.AsArray().Select(run => run?["text"]?.GetValue<string>()) ?? []);

    private static JsonObject Input(JsonObject card, string id) =>
        card["body"]!.AsArray().OfType<JsonObject>().Single(b => b["id"]?.GetValue<string>() == id);

    private static async Task<long> RequestCountAsync(BotHost bot)
    {
        await using var dataSource = NpgsqlDataSource.Create(bot.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jit.access_requests");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
