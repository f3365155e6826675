using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The approval card as an Adaptive Card (version 1.5, the newest Teams renders), with Action.Execute Approve and
/// Deny while the request is pending. Every piece of text is a RichTextBlock TextRun, which Teams renders literally
/// (no Markdown), so a reason cannot become a link or a mention.
/// </summary>
public static class TeamsApprovalCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string ApproveVerb = "jit_approve";
    public const string DenyVerb = "jit_deny";
    public const string RequestIdField = "requestId";

    /// <summary>The card; <paramref name="notice"/> is a line shown only to the person whose click produced this copy.</summary>
    public static JsonObject Render(AccessRequest request, RoleDefinition role, string? notice = null)
    {
        var body = new JsonArray
        {
            Line([Run($"Access request #{request.Id}: {role.Name}", bold: true, size: "Medium")]),
            Line([Run("Requester: ", bold: true), Run(request.PersonId)]),
            Line([Run("Role: ", bold: true), Run(role.Name)]),
            Line([Run("Duration: ", bold: true), Run(DurationText.Format(request.Duration))]),
            Line([Run("Request id: ", bold: true), Run(request.Id.ToString(CultureInfo.InvariantCulture))]),
            Line([Run("Reason: ", bold: true), Run(request.Reason)]),
        };

        foreach (var decision in request.Decisions)
        {
            body.Add(Line([Run($"{(decision.Approved ? "Approved" : "Denied")} by {decision.ApproverId} at {RequestMessages.Time(decision.At)}", subtle: true)]));
        }

        if (request.Status != RequestStatus.Pending)
        {
            body.Add(Line([Run("Status: ", bold: true), Run(RequestMessages.Describe(request))]));
        }

        if (notice is not null)
        {
            body.Add(Line([Run(notice, color: "Accent")]));
        }

        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };

        if (request.Status == RequestStatus.Pending)
        {
            card["actions"] = new JsonArray
            {
                Execute("Approve", ApproveVerb, request.Id, "positive"),
                Execute("Deny", DenyVerb, request.Id, "destructive"),
            };
        }

        return card;
    }

    /// <summary>A message activity carrying the card, with a one-line summary for notifications.</summary>
    public static JsonObject Activity(AccessRequest request, RoleDefinition role) => new()
    {
        ["type"] = "message",
        ["summary"] = $"Access request #{request.Id}: {request.PersonId} asks for {role.Name} for {DurationText.Format(request.Duration)}",
        ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = ContentType, ["content"] = Render(request, role) } },
    };

    internal static JsonObject Line(JsonNode[] runs) => new()
    {
        ["type"] = "RichTextBlock",
        ["inlines"] = new JsonArray(runs),
    };

    internal static JsonObject Run(string text, bool bold = false, bool subtle = false, string? size = null, string? color = null)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = text };
        if (bold)
        {
            run["weight"] = "Bolder";
        }

        if (subtle)
        {
            run["isSubtle"] = true;
        }

        if (size is not null)
        {
            run["size"] = size;
        }

        if (color is not null)
        {
            run["color"] = color;
        }

        return run;
    }

    private static JsonObject Execute(string title, string verb, long requestId, string style) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["data"] = new JsonObject { [RequestIdField] = requestId },
        ["style"] = style,
    };
}
