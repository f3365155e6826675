using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using static ChatOpsApprover.Chat.Teams.AdaptiveCards;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The ending-soon message as an Adaptive Card: the text, and when the role allows it a duration choice (id
/// <see cref="TeamsApprovalCard.DurationInput"/>, seconds) submitted with an Extend Action.Execute (verb
/// <see cref="EndingSoonNotice.ExtendId"/>, data requestId).
/// </summary>
public static class TeamsEndingSoonCard
{
    public static JsonObject Activity(EndingSoonNotice notice)
    {
        var body = new JsonArray { Line(Run(notice.Text)) };
        if (notice.ExtendBy.Count == 0)
        {
            return AdaptiveCards.Activity(Card(body), notice.Text);
        }

        body.Add(new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = TeamsApprovalCard.DurationInput,
            ["label"] = EndingSoonNotice.ExtendLabel,
            ["style"] = "compact",
            ["isRequired"] = true,
            ["value"] = Seconds(notice.ExtendBy[0]),
            ["choices"] = new JsonArray([.. notice.ExtendBy.Select(d => new JsonObject { ["title"] = DurationText.Format(d), ["value"] = Seconds(d) })]),
        });
        var extend = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = EndingSoonNotice.ExtendButton,
            ["verb"] = EndingSoonNotice.ExtendId,
            ["data"] = new JsonObject { [TeamsApprovalCard.RequestIdField] = notice.RequestId },
        };
        return AdaptiveCards.Activity(Card(body, [extend]), notice.Text);
    }

    private static string Seconds(TimeSpan duration) => ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
