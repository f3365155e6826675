using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>Extension helpers shared by the extension test classes: the id in a reply, and a click on an extension's Slack card.</summary>
public static partial class ExtensionSteps
{
    [GeneratedRegex(@"Extension #(\d+)")]
    private static partial Regex ExtensionPattern();

    public static long ExtensionId(string reply)
    {
        var match = ExtensionPattern().Match(reply);
        Assert.True(match.Success, $"Expected an extension id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Clicks a button of an extension's card on Slack (the button's value is the extension id).</summary>
    public static async Task ClickExtensionAsync(BotHost bot, string userId, long extensionId, bool approve)
    {
        var payload = JsonNode.Parse(Uri.UnescapeDataString(BotHost.ClickBody(userId, extensionId, approve: true)["payload=".Length..]))!.AsObject();
        payload["actions"]![0]!["action_id"] = approve ? CardAction.ApproveExtensionId : CardAction.DenyExtensionId;
        using var response = await bot.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
