using System.Globalization;
using System.Text;
using ChatOpsApprover.Chat.Slack;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>A POST as Slack sends it: form body, timestamp and v0 signature.</summary>
public sealed record SignedRequest(string Path, string Timestamp, string Signature, string Body)
{
    private static long _triggers;

    /// <summary>A trigger id of its own for every request, so no two carry the same signature.</summary>
    private static string NextTrigger() => "1.2." + Interlocked.Increment(ref _triggers).ToString(CultureInfo.InvariantCulture);

    public static SignedRequest Sign(string path, string body, string signingSecret)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new SignedRequest(path, timestamp, SlackSignatureVerifier.Compute(signingSecret, timestamp, Encoding.UTF8.GetBytes(body)), body);
    }

    /// <summary>A slash command as Slack posts it to /slack/commands.</summary>
    public static SignedRequest Command(string userId, string text, string signingSecret) => Sign(
        "/slack/commands",
        $"token=legacy&team_id=T0TEAM&team_domain=example&channel_id=C0REQUESTS&channel_name=requests&user_id={userId}&user_name={userId.ToLowerInvariant()}"
        + $"&command=%2Fjit&text={Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal)}&api_app_id=A0APP"
        + $"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0TEAM%2F1%2Fx&trigger_id={NextTrigger()}",
        signingSecret);

    /// <summary>An Approve click on a request's card, as Slack posts it to /slack/interactions.</summary>
    public static SignedRequest Approve(string userId, long requestId, string channel, string signingSecret)
    {
        var id = requestId.ToString(CultureInfo.InvariantCulture);
        var payload =
            $$"""{"type":"block_actions","user":{"id":"{{userId}}","username":"{{userId.ToLowerInvariant()}}","team_id":"T0TEAM"},"api_app_id":"A0APP","team":{"id":"T0TEAM","domain":"example"},"container":{"type":"message","message_ts":"1700000000.000101","channel_id":"{{channel}}","is_ephemeral":false},"channel":{"id":"{{channel}}","name":"approvals"},"trigger_id":"1.2.3","response_url":"https://hooks.slack.com/actions/T0TEAM/1/x","actions":[{"type":"button","action_id":"{{SlackApprovalCard.ApproveAction}}","block_id":"jit_decision_{{id}}","value":"{{id}}","action_ts":"1700000000.000200"}]}""";
        return Sign("/slack/interactions", "payload=" + Uri.EscapeDataString(payload), signingSecret);
    }
}
