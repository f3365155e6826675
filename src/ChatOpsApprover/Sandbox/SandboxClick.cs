using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>A person clicks a button or chooses in a select: the sandbox sends the bot Slack's block_actions payload, built from the stored message or view.</summary>
public sealed class SandboxClick(SandboxWorkspace workspace, SandboxBotClient bot, TimeProvider time)
{
    /// <param name="surface">Where: "message:{channel}:{ts}", "ephemeral:{ts}" or "view:{view id}", as the page posts it.</param>
    /// <param name="element">[block_id, action_id] as JSON.</param>
    /// <param name="formValue">The posted form, for the select's choice and a view's state.</param>
    public async Task ClickAsync(SandboxPerson me, string surface, string element, Func<string, string?> formValue, CancellationToken cancellationToken)
    {
        if (Find(me, surface, formValue) is not { } where || Key(element) is not { } key || BlockIds.Find(where.Blocks, key.BlockId, key.ActionId) is not { } found)
        {
            workspace.Notice(me.SlackId, "That message or view has changed since the page showed it; try again.");
            return;
        }

        var action = Action(found.Element, formValue(ViewState.Field(key.BlockId, key.ActionId)));
        if (action is null)
        {
            return;
        }

        var payload = SlackPayloads.BlockActions(me, where, found.Block, action, workspace.IssueTrigger(me.SlackId), time.GetUtcNow());
        var answer = await bot.InteractAsync(payload, cancellationToken);
        if (answer.Problem($"Your click on \"{Label(found.Element)}\"") is { } problem)
        {
            workspace.Notice(me.SlackId, problem + " Slack would show a warning that the app did not respond.");
        }
    }

    private ActionSurface? Find(SandboxPerson me, string surface, Func<string, string?> formValue)
    {
        var parts = surface.Split(':', 3);
        switch (parts[0])
        {
            case "message" when parts.Length == 3 && workspace.FindChannel(parts[1]) is { } channel && workspace.FindMessage(channel.Id, parts[2]) is { } message:
                return new ActionSurface.InMessage(channel, message, ViewState.Read(message.Blocks ?? [], formValue));
            case "ephemeral" when parts.Length == 2 && workspace.FindEphemeral(me.SlackId, parts[1]) is { } ephemeral && workspace.FindChannel(ephemeral.Channel) is { } where:
                return new ActionSurface.InEphemeral(where, ephemeral, ViewState.Read(ephemeral.Blocks ?? [], formValue));
            case "view" when parts.Length == 2 && workspace.FindView(me.SlackId, parts[1]) is { } view:
                // Slack sends the view with what was entered so far.
                return workspace.SetState(me.SlackId, view.Id, ViewState.Read(view.Blocks, formValue), errors: null) is { } withState
                    ? new ActionSurface.InView(withState)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The element as block_actions describes it: a button as it is, a select with its choice (null: nothing chosen).</summary>
    private static JsonObject? Action(JsonObject element, string? chosen)
    {
        var action = (JsonObject)element.DeepClone();
        if (BlockIds.Text(element, "type") != "static_select")
        {
            action.Remove("confirm");
            return action;
        }

        if (ViewState.Option(element, chosen) is not { } option)
        {
            return null;
        }

        foreach (var listed in new[] { "options", "option_groups", "initial_option", "confirm" })
        {
            action.Remove(listed);
        }

        action["selected_option"] = option.DeepClone();
        return action;
    }

    private static (string BlockId, string ActionId)? Key(string element)
    {
        try
        {
            return JsonNode.Parse(element) is JsonArray { Count: 2 } ids && ids[0] is JsonValue b && b.TryGetValue<string>(out var blockId) && ids[1] is JsonValue a && a.TryGetValue<string>(out var actionId)
                ? (blockId, actionId)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Label(JsonObject element) =>
        BlockIds.Text(element["text"], "text") ?? BlockIds.Text(element["placeholder"], "text") ?? BlockIds.Text(element, "action_id") ?? "?";
}
