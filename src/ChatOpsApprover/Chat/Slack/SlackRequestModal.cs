using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The request form on Slack, opened by "/jit request" without arguments, "/jit" alone, or the global shortcut
/// (<see cref="ShortcutCallbackId"/>): a role select of the roles the person may request (with their descriptions), a
/// duration select of the usual steps up to the longest of those roles' maximums (and each role's own maximum), and a
/// required reason. Its view_submission is checked like the command (<see cref="SlackRequestForm"/>).
/// </summary>
public static class SlackRequestModal
{
    /// <summary>The global shortcut "Request access" (manifests/slack).</summary>
    public const string ShortcutCallbackId = "jit_request";

    /// <summary>The modal itself, so its submission is told apart from the deny modal's.</summary>
    public const string CallbackId = "jit_request_form";

    /// <summary>Slack shows at most 100 options in a static select.</summary>
    private const int MaxOptions = 100;

    // The modal's blocks are the form's fields, so the form's problems land on the right block as they are.
    public const string RoleBlock = RequestForm.RoleField;
    public const string RoleAction = RequestForm.RoleField;
    public const string DurationBlock = RequestForm.DurationField;
    public const string DurationAction = RequestForm.DurationField;
    public const string ReasonBlock = RequestForm.ReasonField;
    public const string ReasonAction = RequestForm.ReasonField;

    /// <summary>The durations offered for these roles: the steps up to the longest maximum, and each role's own maximum.</summary>
    public static IReadOnlyList<TimeSpan> Durations(IReadOnlyList<RoleDefinition> roles) => RequestForm.DurationsFor(roles);

    /// <summary>
    /// The form; once a role is <paramref name="picked"/>, its durations are those of that role alone, and what was
    /// already chosen or typed is kept.
    /// </summary>
    public static JsonObject View(IReadOnlyList<RoleDefinition> roles, string? channelId, RoleDefinition? picked = null, TimeSpan? duration = null, string? reason = null)
    {
        var durations = Durations(picked is null ? roles : [picked]);
        var roleSelect = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = RoleAction,
            ["placeholder"] = PlainText("Pick a role"),
            ["options"] = new JsonArray(roles.Take(MaxOptions).Select(RoleOption).ToArray<JsonNode?>()),
        };
        var durationSelect = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = DurationAction,
            ["placeholder"] = PlainText("Pick a duration"),
            ["options"] = new JsonArray(durations.Select(DurationOption).ToArray<JsonNode?>()),
        };
        var reasonInput = new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = ReasonAction,
            ["multiline"] = true,
            ["max_length"] = JitCommandParser.MaxReasonLength,
        };
        if (picked is not null)
        {
            roleSelect["initial_option"] = RoleOption(picked);
        }

        if (duration is { } chosen && durations.Contains(chosen))
        {
            durationSelect["initial_option"] = DurationOption(chosen);
        }

        if (!string.IsNullOrEmpty(reason))
        {
            reasonInput["initial_value"] = reason;
        }

        var roleInput = Input(RoleBlock, "Role", roleSelect);

        // A pick is sent at once (block_actions), so the durations follow the role's maximum.
        roleInput["dispatch_action"] = true;
        return Form(channelId, roleInput, Input(DurationBlock, "For how long", durationSelect), Input(ReasonBlock, "Why (approvers and auditors read this)", reasonInput));
    }

    private static JsonObject Form(string? channelId, params JsonObject[] blocks) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = CallbackId,
        ["private_metadata"] = new JsonObject { ["channel"] = channelId }.ToJsonString(),
        ["title"] = PlainText("Request access"),
        ["submit"] = PlainText("Request"),
        ["close"] = PlainText("Cancel"),
        ["blocks"] = new JsonArray(blocks.ToArray<JsonNode?>()),
    };

    /// <summary>A modal that only says something (not registered, no role to request): nothing to submit.</summary>
    public static JsonObject Notice(string text) => new()
    {
        ["type"] = "modal",
        ["title"] = PlainText("Request access"),
        ["close"] = PlainText("Close"),
        ["blocks"] = new JsonArray
        {
            new JsonObject { ["type"] = "section", ["text"] = PlainText(SlackBlocks.Truncate(text, 3000)) },
        },
    };

    /// <summary>The answer that keeps the modal open with each message under its block.</summary>
    public static IResult Errors(IReadOnlyDictionary<string, string> errors)
    {
        var byBlock = new JsonObject();
        foreach (var (block, message) in errors)
        {
            byBlock[block] = message;
        }

        return Results.Json(new JsonObject { ["response_action"] = "errors", ["errors"] = byBlock });
    }

    private static JsonObject Input(string blockId, string label, JsonObject element) => new()
    {
        ["type"] = "input",
        ["block_id"] = blockId,
        ["label"] = PlainText(label),
        ["element"] = element,
    };

    // Option text and description are at most 75 characters each.
    private static JsonObject RoleOption(RoleDefinition role)
    {
        var option = new JsonObject
        {
            ["text"] = PlainText(SlackBlocks.Truncate(role.Name, 75)),
            ["value"] = role.Name,
        };
        var description = string.IsNullOrWhiteSpace(role.Description) ? $"up to {DurationText.Format(role.MaxDuration)}" : $"{role.Description} (up to {DurationText.Format(role.MaxDuration)})";
        option["description"] = PlainText(SlackBlocks.Truncate(description, 75));
        return option;
    }

    private static JsonObject DurationOption(TimeSpan duration) => new()
    {
        ["text"] = PlainText(DurationText.Format(duration)),
        ["value"] = ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
