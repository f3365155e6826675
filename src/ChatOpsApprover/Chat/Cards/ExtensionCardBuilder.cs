using System.Globalization;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// The approval card of an extension, in the same <see cref="ApprovalCard"/> model as a request's (every platform
/// renders it the same way): its <see cref="ApprovalCard.RequestId"/> is the extension's id, which its
/// <see cref="CardActionKind.ApproveExtension"/> and <see cref="CardActionKind.DenyExtension"/> buttons act on.
/// </summary>
public static class ExtensionCardBuilder
{
    public static ApprovalCard Build(AccessExtension extension, AccessRequest request, RoleDefinition role, string? notice = null)
    {
        var by = DurationText.Format(extension.Duration);
        var open = extension.Status == ExtensionStatus.Pending;
        var status = Describe(extension);
        List<CardFact> facts =
        [
            new("Requester", CardText.Of(CardSpan.Person(request.PersonId))),
            new("Role", CardText.Plain(role.Name)),
            new("Extend by", CardText.Plain(by)),
            new("Request id", CardText.Plain(request.Id.ToString(CultureInfo.InvariantCulture))),
            new("Access ends", CardText.Plain(request.EndsAt is { } ends ? RequestMessages.Time(ends) : RequestMessages.Describe(request))),
            new("Reason", CardText.Plain(request.Reason), Wide: true),
        ];
        if (role.RequiredApprovals > 1 || extension.ApprovedBy.Count > 0)
        {
            facts.Add(new CardFact("Approvals", CardText.Plain($"{extension.ApprovedBy.Count} of {role.RequiredApprovals} approvals{(extension.ApprovedBy.Count > 0 ? ": " + string.Join(", ", extension.ApprovedBy) : string.Empty)}"), Wide: true));
        }

        if (open && extension.AwaitingStepUp.Count > 0)
        {
            facts.Add(new CardFact("Second factor", CardText.Plain($"waiting for {string.Join(", ", extension.AwaitingStepUp)} to confirm"), Wide: true));
        }

        var id = extension.Id.ToString(CultureInfo.InvariantCulture);
        return new ApprovalCard(
            extension.Id,
            $"Extension #{id} of request #{request.Id}: {role.Name}",
            CardText.Of($"Extension #{id}: ", CardSpan.Person(request.PersonId), $" asks to keep {role.Name} {by} longer — {status}"),
            facts,
            [],
            open ? null : status,
            open ? [new CardAction(CardActionKind.ApproveExtension, "Approve extension"), new CardAction(CardActionKind.DenyExtension, "Deny extension")] : [],
            notice);
    }

    private static string Describe(AccessExtension extension) => extension.Status switch
    {
        ExtensionStatus.Pending => extension.AwaitingStepUp.Count > 0 ? $"waiting for second-factor confirmation from {string.Join(", ", extension.AwaitingStepUp)}" : "waiting for approval",
        ExtensionStatus.Approved => $"approved by {extension.DecidedBy}",
        ExtensionStatus.Denied => $"denied by {extension.DecidedBy}",
        ExtensionStatus.Refused => $"refused: {extension.Outcome}",
        ExtensionStatus.Lapsed => $"lapsed: {extension.Outcome}",
    };
}
