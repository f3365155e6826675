namespace ChatOpsApprover.Audit;

/// <summary>
/// One audit entry as a chat message: a reply in its request's thread, or a standalone alert for an entry without a
/// request. Built by <see cref="AuditCardBuilder"/>; plain text throughout.
/// </summary>
/// <param name="Headline">"Approved by bob".</param>
/// <param name="Time">When the entry was written.</param>
/// <param name="RequestNote">"request #7" on a standalone message about a request, else null (the thread says it).</param>
/// <param name="Details">The entry's details as "key: value" pairs; empty when it has none.</param>
/// <param name="Anchor">The entry's event name, id and hash, so the message anchors the chain outside the database.</param>
/// <param name="Standalone">Posted on its own in the channel (an alert), not in a request's thread.</param>
public sealed record AuditEventCard(string Headline, string Time, string? RequestNote, string Details, string Anchor, bool Standalone)
{
    public string Summary => $"Audit · {Headline}";
}
