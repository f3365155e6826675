using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The modal Deny opens on Slack: a required reason, submitted as a view_submission whose private_metadata says
/// which request and where to answer the approver.
/// </summary>
public static class SlackDenyModal
{
    public const string CallbackId = "jit_deny";
    public const string ReasonBlock = "reason";
    public const string ReasonAction = "reason";

    public static JsonObject View(long requestId, string? channelId) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = CallbackId,
        ["private_metadata"] = new JsonObject { ["requestId"] = requestId, ["channel"] = channelId }.ToJsonString(),
        // Slack refuses titles over 24 characters.
        ["title"] = PlainText(SlackBlocks.Truncate($"Deny request #{requestId.ToString(CultureInfo.InvariantCulture)}", 24)),
        ["submit"] = PlainText("Deny"),
        ["close"] = PlainText("Cancel"),
        ["blocks"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = ReasonBlock,
                ["label"] = PlainText(CardAction.DenyReasonLabel),
                ["element"] = new JsonObject
                {
                    ["type"] = "plain_text_input",
                    ["action_id"] = ReasonAction,
                    ["multiline"] = true,
                    ["max_length"] = DecisionInput.MaxReasonLength,
                },
            },
        },
    };

    /// <summary>The answer that keeps the modal open with <paramref name="message"/> under the reason.</summary>
    public static IResult Errors(string message) => Results.Json(new JsonObject
    {
        ["response_action"] = "errors",
        ["errors"] = new JsonObject { [ReasonBlock] = message },
    });

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
