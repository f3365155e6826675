using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>The approval card in Block Kit: who asks for what and why, and Approve/Deny while it is pending.</summary>
public static class SlackApprovalCard
{
    public const string ApproveAction = "jit_approve";
    public const string DenyAction = "jit_deny";

    public static (string Text, JsonArray Blocks) Render(AccessRequest request, RoleDefinition role, AccessDirectory directory)
    {
        string Who(string personId) => SlackText.Mention(SlackChat.UserId(directory.FindPerson(personId)), personId);

        var requester = Who(request.PersonId);
        var text = $"Access request #{request.Id}: {requester} asks for {SlackText.Escape(role.Name)} for {DurationText.Format(request.Duration)} — {SlackText.Escape(RequestMessages.Describe(request))}";
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate($"Access request #{request.Id}: {role.Name}", 150) },
            },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray
                {
                    Field($"*Requester*\n{requester}"),
                    Field($"*Role*\n{SlackText.Escape(role.Name)}"),
                    Field($"*Duration*\n{DurationText.Format(request.Duration)}"),
                    Field($"*Request id*\n{request.Id.ToString(CultureInfo.InvariantCulture)}"),
                },
            },
            new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate($"*Reason*\n{SlackText.Escape(request.Reason)}", 3000) },
            },
        };

        foreach (var decision in request.Decisions)
        {
            blocks.Add(Context($"{(decision.Approved ? "Approved" : "Denied")} by {Who(decision.ApproverId)} at {RequestMessages.Time(decision.At)}"));
        }

        foreach (var stepUp in request.StepUps)
        {
            if (RequestMessages.StepUpLine(request, stepUp) is { } line)
            {
                var icon = stepUp.State switch
                {
                    StepUpState.Waiting => ":hourglass_flowing_sand:",
                    StepUpState.Verified when stepUp.Risk.IsRisky => ":warning:",
                    StepUpState.Verified => ":closed_lock_with_key:",
                    _ => ":no_entry:",
                };
                blocks.Add(Context($"{icon} {SlackText.Escape(line)}"));
            }
        }

        if (request.Status == RequestStatus.Pending)
        {
            var value = request.Id.ToString(CultureInfo.InvariantCulture);
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = $"jit_decision_{value}",
                ["elements"] = new JsonArray
                {
                    Button("Approve", ApproveAction, value, "primary"),
                    Button("Deny", DenyAction, value, "danger"),
                },
            });
        }
        else
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*Status:* {SlackText.Escape(StatusLine(request))}" },
            });
        }

        return (text, blocks);
    }

    private static string StatusLine(AccessRequest request) => request.Status switch
    {
        RequestStatus.Revoked => $"revoked by {request.EndedBy} at {RequestMessages.Time(request.EndedAt!.Value)}",
        _ => RequestMessages.Describe(request),
    };

    private static JsonObject Field(string mrkdwn) => new() { ["type"] = "mrkdwn", ["text"] = Truncate(mrkdwn, 2000) };

    private static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } },
    };

    private static JsonObject Button(string label, string actionId, string value, string style) => new()
    {
        ["type"] = "button",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = label },
        ["action_id"] = actionId,
        ["value"] = value,
        ["style"] = style,
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
