using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using static ChatOpsApprover.Chat.Teams.AdaptiveCards;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The approval card as an Adaptive Card: renders an <see cref="ApprovalCard"/>, with Action.Execute buttons while
/// the request is open to decisions. People are shown by their person id, as plain text.
/// </summary>
public static class TeamsApprovalCard
{
    public const string ContentType = AdaptiveCards.ContentType;
    public const string ApproveVerb = CardAction.ApproveId;
    public const string DenyVerb = CardAction.DenyId;
    public const string RequestIdField = "requestId";

    /// <summary>The id of the card's reason input; Teams sends its text in the Deny click's data under this name.</summary>
    public const string ReasonInput = "reason";

    /// <summary>The id of the card's "approve for less" choice; Teams sends the chosen seconds in the Approve click's data.</summary>
    public const string DurationInput = "duration";

    /// <summary>The card; its notice, if any, is shown only to the person whose click produced this copy.</summary>
    public static JsonObject Render(ApprovalCard card)
    {
        var body = new JsonArray { Header(card.Title) };
        foreach (var line in Facts(card.Facts))
        {
            body.Add(line);
        }

        foreach (var note in card.Notes)
        {
            var (subtle, color) = Look(note.Tone);
            body.Add(Line(Run(note.Text.ToPlainText(), subtle: subtle, color: color)));
        }

        if (card.Status is not null)
        {
            body.Add(Status(card.Status));
        }

        if (card.Notice is not null)
        {
            body.Add(Line(Run(card.Notice, color: "Accent")));
        }

        // Approve for less: on Teams a choice submitted with Approve (nothing chosen: what was asked).
        if (card.Actions.FirstOrDefault(a => a.Kind == CardActionKind.ApproveFor) is { } shorter)
        {
            body.Add(new JsonObject
            {
                ["type"] = "Input.ChoiceSet",
                ["id"] = DurationInput,
                ["label"] = shorter.Label,
                ["style"] = "compact",
                ["placeholder"] = "the duration asked",
                ["choices"] = new JsonArray([.. shorter.Choices.Select(d => new JsonObject
                {
                    ["title"] = DurationText.Format(d),
                    ["value"] = ((long)d.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                })]),
            });
        }

        // Deny asks why: on Teams the reason is typed on the card and submitted with the click.
        if (card.Actions.Any(a => a.Kind == CardActionKind.Deny))
        {
            body.Add(new JsonObject
            {
                ["type"] = "Input.Text",
                ["id"] = ReasonInput,
                ["label"] = CardAction.DenyReasonLabel,
                ["isMultiline"] = true,
                ["maxLength"] = DecisionInput.MaxReasonLength,
            });
        }

        var buttons = card.Actions.Where(a => a.Kind != CardActionKind.ApproveFor).ToList();
        return Card(body, buttons.Count > 0 ? [.. buttons.Select(a => Execute(a, card.RequestId))] : null);
    }

    /// <summary>A message activity carrying the card, with its summary for notifications.</summary>
    public static JsonObject Activity(ApprovalCard card) => AdaptiveCards.Activity(Render(card), card.Summary.ToPlainText());

    /// <summary>How a note looks: a plain record is subtle, a state is coloured where Slack gives it an icon.</summary>
    private static (bool Subtle, string? Color) Look(CardTone tone) => tone switch
    {
        CardTone.Neutral => (true, null),
        CardTone.Waiting => (false, "Accent"),
        CardTone.Confirmed => (false, "Good"),
        CardTone.Warning => (false, "Warning"),
        CardTone.Refused => (false, "Attention"),
    };

    private static JsonObject Execute(CardAction action, long requestId) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = action.Label,
        ["verb"] = action.Id,
        ["data"] = new JsonObject { [RequestIdField] = requestId },
        ["style"] = action.Kind switch
        {
            CardActionKind.Approve or CardActionKind.ApproveExtension => "positive",
            CardActionKind.Deny or CardActionKind.DenyExtension => "destructive",
            CardActionKind.ApproveFor => throw new ArgumentException("Approve for less is a choice on the card, not a button.", nameof(action)),
        },
    };
}
