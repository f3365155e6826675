using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// A person submits or closes a modal: view_submission with the view's state, and the bot's answer applied as Slack
/// does (empty: close; response_action errors, update, push or clear); view_closed when the view asked for it.
/// </summary>
public sealed class SandboxSubmission(SandboxWorkspace workspace, SandboxBotClient bot)
{
    public async Task SubmitAsync(SandboxPerson me, string viewId, Func<string, string?> formValue, CancellationToken cancellationToken)
    {
        if (workspace.FindView(me.SlackId, viewId) is not { Type: "modal" } open)
        {
            workspace.Notice(me.SlackId, "That modal is no longer open.");
            return;
        }

        var view = workspace.SetState(me.SlackId, open.Id, ViewState.Read(open.Blocks, formValue), new Dictionary<string, string>())!;
        var answer = await bot.InteractAsync(SlackPayloads.ViewSubmission(me, view, workspace.IssueTrigger(me.SlackId)), cancellationToken);
        if (answer.Problem("Your submission") is { } problem)
        {
            // Slack keeps the modal open with "We had some trouble connecting"; what was entered stays.
            workspace.Notice(me.SlackId, problem);
            if (!answer.IsOk)
            {
                return;
            }
        }

        var reply = answer.Json;
        switch (BlockIds.Text(reply, "response_action"))
        {
            case null:
                workspace.CloseModal(me.SlackId, all: false);
                break;
            case "errors":
                var errors = (reply!["errors"] as JsonObject ?? []).Select(e => (e.Key, Message: BlockIds.Text(reply["errors"], e.Key) ?? string.Empty))
                    .ToDictionary(e => e.Key, e => e.Message, StringComparer.Ordinal);
                workspace.SetState(me.SlackId, view.Id, view.StateValues, errors);
                break;
            case "update" when reply!["view"] is JsonObject replacement:
                workspace.ReplaceTopModal(me.SlackId, replacement);
                break;
            case "push" when reply!["view"] is JsonObject pushed:
                if (workspace.OpenModal(me.SlackId, pushed, push: true).Error is { } error)
                {
                    workspace.Notice(me.SlackId, $"The bot's response_action: push was refused: {error}.");
                }

                break;
            case "clear":
                workspace.CloseModal(me.SlackId, all: true);
                break;
            case { } unknown:
                workspace.Notice(me.SlackId, $"The bot answered the submission with response_action \"{unknown}\", which Slack does not know (or without its view); the modal stays open.");
                break;
        }
    }

    public async Task CloseAsync(SandboxPerson me, string viewId, CancellationToken cancellationToken)
    {
        if (workspace.FindView(me.SlackId, viewId) is not { Type: "modal" } open)
        {
            return;
        }

        var all = open.Body["clear_on_close"] is JsonValue c && c.TryGetValue<bool>(out var clear) && clear;
        workspace.CloseModal(me.SlackId, all);
        if (open.Body["notify_on_close"] is JsonValue n && n.TryGetValue<bool>(out var notify) && notify)
        {
            var answer = await bot.InteractAsync(SlackPayloads.ViewClosed(me, open, all), cancellationToken);
            if (answer.Problem("Closing the modal") is { } problem)
            {
                workspace.Notice(me.SlackId, problem);
            }
        }
    }
}
