using System.Globalization;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Cards;

/// <summary>Builds the one <see cref="ApprovalCard"/> of a request as it stands; every platform renders the result.</summary>
public static class ApprovalCardBuilder
{
    public static ApprovalCard Build(AccessRequest request, RoleDefinition role, string? notice = null)
    {
        var id = request.Id.ToString(CultureInfo.InvariantCulture);
        var duration = DurationText.Format(request.Duration);
        var open = request.Status == RequestStatus.Pending;
        var status = RequestMessages.Describe(request);

        List<CardFact> facts =
        [
            new("Requester", CardText.Of(CardSpan.Person(request.PersonId))),
            new("Role", CardText.Plain(role.Name)),
            new("Duration", CardText.Plain(request.ApprovedDuration < request.Duration ? $"{DurationText.Format(request.ApprovedDuration)} (asked for {duration})" : duration)),
            new("Request id", CardText.Plain(id)),
            new("Reason", CardText.Plain(request.Reason), Wide: true),
        ];
        if (!request.AutoApproved)
        {
            facts.Add(new CardFact("Approvals", Progress(request, role), Wide: true));
        }

        if (PolicyLine(request) is { } policy)
        {
            facts.Add(new CardFact("Policy", policy, Wide: true));
        }

        var notes = request.Decisions.Select(DecisionNote)
            .Concat(request.EscalatedTo.Count > 0 ? [EscalationNote(request.EscalatedTo)] : [])
            .Concat(request.StepUps.Select(s => StepUpNote(request, s)).OfType<CardNote>())
            .ToList();

        return new ApprovalCard(
            request.Id,
            $"Access request #{id}: {role.Name}",
            CardText.Of($"Access request #{id}: ", CardSpan.Person(request.PersonId), $" asks for {role.Name} for {duration} — {status}"),
            facts,
            notes,
            open ? null : status,
            open ? Actions(request) : [],
            notice);
    }

    /// <summary>Approve, approve for less (when shorter steps exist), deny.</summary>
    private static List<CardAction> Actions(AccessRequest request)
    {
        var actions = new List<CardAction> { new(CardActionKind.Approve, "Approve") };
        if (ShorterDurations.Below(request.Duration) is { Count: > 0 } shorter)
        {
            actions.Add(new CardAction(CardActionKind.ApproveFor, CardAction.ApproveForLabel) { Choices = shorter });
        }

        actions.Add(new CardAction(CardActionKind.Deny, "Deny"));
        return actions;
    }

    /// <summary>"1 of 2 approvals: bob" — how far the request is, and who approved so far.</summary>
    private static CardText Progress(AccessRequest request, RoleDefinition role)
    {
        var approvers = request.Approvals.Select(a => a.ApproverId).ToList();
        var count = $"{approvers.Count} of {AccessPolicy.RequiredApprovals(role, request)} approvals";
        return approvers.Count == 0 ? CardText.Plain(count) : People($"{count}: ", approvers, string.Empty);
    }

    /// <summary>
    /// Which policy rules decided the request and why, separated by "; ": "auto-approved by policy (rule AutoApprove: …)",
    /// or the rules that asked for more ("OutsideHours: … → one more approval"). Null when no rule fired.
    /// </summary>
    private static CardText? PolicyLine(AccessRequest request)
    {
        if (request.PolicyRules.Count == 0)
        {
            return null;
        }

        var lines = request.PolicyRules.Select(r => r.Rule == "AutoApprove" && request.AutoApproved ? $"auto-approved by policy (rule {r})" : $"rule {r}");
        return CardText.Plain(string.Join("; ", lines));
    }

    /// <summary>"before bob, dave after", each person a span the platform shows its own way.</summary>
    private static CardText People(string before, IReadOnlyList<string> people, string after) =>
        new([before, .. people.SelectMany((p, i) => i == 0 ? [CardSpan.Person(p)] : new[] { CardSpan.Words(", "), CardSpan.Person(p) }), after]);

    /// <summary>"Escalated to erin, frank: they may decide it too".</summary>
    private static CardNote EscalationNote(IReadOnlyList<string> people) =>
        new(People("Escalated to ", people, ": they may decide it too"), CardTone.Waiting);

    private static CardNote DecisionNote(Decision decision) => new(
        CardText.Of(
            decision.Approved ? "Approved by " : "Denied by ",
            CardSpan.Person(decision.ApproverId),
            $"{(decision.Duration is { } shorter ? $" for {DurationText.Format(shorter)}" : string.Empty)} at {RequestMessages.Time(decision.At)}{RequestMessages.Because(decision)}"),
        CardTone.Neutral);

    private static CardNote? StepUpNote(AccessRequest request, StepUpConfirmation stepUp) =>
        RequestMessages.StepUpLine(request, stepUp) is { } line ? new CardNote(CardText.Plain(line), Tone(stepUp)) : null;

    private static CardTone Tone(StepUpConfirmation stepUp) => stepUp.State switch
    {
        StepUpState.Waiting => CardTone.Waiting,
        StepUpState.Verified when stepUp.Risk.IsRisky => CardTone.Warning,
        StepUpState.Verified => CardTone.Confirmed,
        StepUpState.Refused => CardTone.Refused,
    };
}
