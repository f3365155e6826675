using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Chat.Teams;

/// <summary>
/// A card action can name any request id with any verb: only the requester, the role's approvers and admins get the
/// request's card back; everyone else hears the same neutral refusal whether the request exists or not.
/// </summary>
public sealed class CardVisibilityTests
{
    [Theory]
    [InlineData("refresh")]
    [InlineData("show")]
    public async Task AnyVerb_ShowsTheCard_OnlyToTheRequesterApproversAndAdmins(string verb)
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.TeamsRequestAccessAsync();

        foreach (var allowed in new[] { TeamsIds.Alice, TeamsIds.Bob, TeamsIds.Dave, TeamsIds.Erin })
        {
            var answer = await InvokeAsync(bot, allowed, id, verb);
            Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
            Assert.Contains("INC-1234", answer.ToJsonString(), StringComparison.Ordinal);
        }

        // Carol may request the same role, but this request is none of hers.
        var refused = await InvokeAsync(bot, TeamsIds.Carol, id, verb);
        var missing = await InvokeAsync(bot, TeamsIds.Carol, id + 1000, verb);
        Assert.Equal("application/vnd.microsoft.activity.message", refused["type"]!.GetValue<string>());
        Assert.Equal($"There is no request #{id} that you can see; nothing changed.", refused["value"]!.GetValue<string>());
        Assert.Equal($"There is no request #{id + 1000} that you can see; nothing changed.", missing["value"]!.GetValue<string>());
        Assert.DoesNotContain("INC-1234", refused.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice", refused.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var stranger = await InvokeAsync(bot, TeamsIds.Stranger, id, verb);
        Assert.DoesNotContain("INC-1234", stranger.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
    }

    private static async Task<JsonObject> InvokeAsync(BotHost bot, string aadObjectId, long requestId, string verb)
    {
        using var response = await bot.PostTeamsAsync(bot.TeamsCardAction(aadObjectId, requestId, verb));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        return (JsonObject)JsonNode.Parse(body)!;
    }
}
