using ChatOpsApprover.Chat.Cards;

namespace ChatOpsApprover.Audit;

/// <summary>
/// A request's message in the audit channel, the same on every platform; each platform only renders it. Built by
/// <see cref="AuditCardBuilder"/>. All text is plain: people are named, never mentioned.
/// </summary>
/// <param name="Title">The heading, e.g. "Audit · request #7: prod-db-read".</param>
/// <param name="Summary">One line for notifications and previews.</param>
/// <param name="Facts">Requester, role, duration, access, reason; empty when the request's row is gone.</param>
/// <param name="Status">Where the request stands after the latest entry.</param>
/// <param name="History">The newest history lines that fit the platform's message, oldest first.</param>
/// <param name="EarlierNote">"N earlier events are in the thread" when older lines did not fit, else null.</param>
/// <param name="LatestNote">Points at the thread and anchors the latest entry's hash; null before any entry.</param>
public sealed record AuditTimelineCard(
    string Title,
    string Summary,
    IReadOnlyList<CardFact> Facts,
    string Status,
    IReadOnlyList<string> History,
    string? EarlierNote,
    string? LatestNote);
