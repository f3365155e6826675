using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// A modal or home tab as Slack holds it for <paramref name="User"/>: <paramref name="Body"/> is the view object the
/// Web API returns (id, hash, blocks with their ids, state), <paramref name="Errors"/> the bot's last
/// response_action: errors by block id.
/// </summary>
public sealed record SandboxView(string Id, string User, JsonObject Body, IReadOnlyDictionary<string, string> Errors)
{
    public string Hash => Body["hash"]?.GetValue<string>() ?? string.Empty;

    public string Type => Body["type"]?.GetValue<string>() ?? string.Empty;

    public JsonArray Blocks => Body["blocks"] as JsonArray ?? [];

    /// <summary>state.values[block_id][action_id], as view_submission carries it.</summary>
    public JsonObject StateValues => Body["state"]?["values"] as JsonObject ?? [];
}
