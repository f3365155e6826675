namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// The approval card of one request, the same on every platform; each platform only renders it. Built by
/// <see cref="ApprovalCardBuilder"/>. A fact, note or button shown on one platform and not another is a defect.
/// </summary>
/// <param name="RequestId">The request every action acts on.</param>
/// <param name="Title">The heading, e.g. "Access request #7: prod-db-read".</param>
/// <param name="Summary">One line for notifications and previews.</param>
/// <param name="Facts">Requester, role, duration, request id, reason and, when people approve, the approvals so far ("1 of 2 approvals: bob"), in the order shown.</param>
/// <param name="Notes">Decisions and step-up confirmations, oldest first.</param>
/// <param name="Status">Where the request stands; null while buttons are shown instead.</param>
/// <param name="Actions">The buttons; empty unless the request is still open to decisions.</param>
/// <param name="Notice">A line only for the person whose click produced this copy (Teams answers a click with the card).</param>
public sealed record ApprovalCard(
    long RequestId,
    string Title,
    CardText Summary,
    IReadOnlyList<CardFact> Facts,
    IReadOnlyList<CardNote> Notes,
    string? Status,
    IReadOnlyList<CardAction> Actions,
    string? Notice);
