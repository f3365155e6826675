using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using static ChatOpsApprover.Chat.Teams.AdaptiveCards;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The request form as an Adaptive Card: a role choice (with descriptions), a duration choice and a reason, submitted
/// with Action.Execute; drawn again with the values kept and each problem under its field when a submission is refused.
/// </summary>
public static class TeamsRequestForm
{
    /// <summary>The verb of the form's submit button.</summary>
    public const string SubmitVerb = "jitRequestSubmit";

    /// <summary>The verb of a button that shows the form (the welcome message's "Request access").</summary>
    public const string OpenVerb = "jitRequestForm";

    public static JsonObject Render(RequestForm form)
    {
        var body = new JsonArray { Header(RequestForm.Title) };
        if (form.Roles.Count == 0)
        {
            body.Add(Line(Run("There is no role you may request. Ask the bot's operators to add you to a role's Requesters (and give you a login at its target).")));
            return Card(body);
        }

        if (form.Problem is not null)
        {
            body.Add(Line(Run(form.Problem, color: "Attention")));
        }

        body.Add(Choice(RequestForm.RoleField, "Role", form.Values.Role, form.Roles.Select(r => (Title: string.IsNullOrEmpty(r.Description) ? r.Name : $"{r.Name} — {r.Description}", Value: r.Name))));
        AddError(body, form, RequestForm.RoleField);
        body.Add(Choice(RequestForm.DurationField, "For how long", form.Values.DurationSeconds, form.Durations.Select(d => (Title: DurationText.Format(d), Value: ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture)))));
        AddError(body, form, RequestForm.DurationField);
        var reason = new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = RequestForm.ReasonField,
            ["label"] = "Why (approvers and auditors read this)",
            ["placeholder"] = "fix INC-1234",
            ["isRequired"] = true,
            ["errorMessage"] = "Say why you need it.",
            ["maxLength"] = JitCommandParser.MaxReasonLength,
        };
        if (form.Values.Reason is not null)
        {
            reason["value"] = form.Values.Reason;
        }

        body.Add(reason);
        AddError(body, form, RequestForm.ReasonField);
        return Card(body, [new JsonObject { ["type"] = "Action.Execute", ["title"] = RequestForm.Title, ["verb"] = SubmitVerb, ["data"] = new JsonObject() }]);
    }

    /// <summary>What replaces the form once the request is made: the same words the command would have answered.</summary>
    public static JsonObject Done(string reply) => Card([Header(RequestForm.Title), Line(Run(reply))]);

    /// <summary>The welcome message's card: what the bot does, how to start, and a button that shows the form.</summary>
    public static JsonObject Welcome(string text) =>
        Card([Header("ChatOpsApprover"), Line(Run(text))], [new JsonObject { ["type"] = "Action.Execute", ["title"] = RequestForm.Title, ["verb"] = OpenVerb, ["data"] = new JsonObject() }]);

    private static JsonObject Choice(string id, string label, string? value, IEnumerable<(string Title, string Value)> choices)
    {
        var input = new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = id,
            ["label"] = label,
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = $"Pick one: {label.ToLowerInvariant()}.",
            ["choices"] = new JsonArray([.. choices.Select(c => new JsonObject { ["title"] = Truncate(c.Title, 200), ["value"] = c.Value })]),
        };
        if (value is not null)
        {
            input["value"] = value;
        }

        return input;
    }

    private static void AddError(JsonArray body, RequestForm form, string field)
    {
        if (form.Errors.TryGetValue(field, out var error))
        {
            body.Add(Line(Run(error, color: "Attention")));
        }
    }
}
