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
/// <param name="EnrollmentToDecide">
/// A new enrollment that waits for an admin (StepUp:EnrollmentApproval = Admin): the message carries Approve and Refuse
/// buttons for it, whose value (Slack) or data (Teams) is this id; null for every other entry.
/// </param>
public sealed record AuditEventCard(string Headline, string Time, string? RequestNote, string Details, string Anchor, bool Standalone, Guid? EnrollmentToDecide = null)
{
    /// <summary>Slack's action_id and Teams' Action.Execute verb of the enrollment buttons.</summary>
    public const string ApproveEnrollmentId = "jit_enrollment_approve";
    public const string RefuseEnrollmentId = "jit_enrollment_refuse";

    /// <summary>Where Teams' Action.Execute data carries <see cref="EnrollmentToDecide"/>.</summary>
    public const string EnrollmentField = "enrollmentId";

    public const string ApproveEnrollmentLabel = "Approve enrollment";
    public const string RefuseEnrollmentLabel = "Refuse enrollment";

    public string Summary => $"Audit · {Headline}";

    /// <summary>What the admins are asked, under an enrollment that waits for them.</summary>
    public string? DecisionPrompt => EnrollmentToDecide is null ? null
        : "This second factor cannot be used until an admin approves it. Approve only if you know the person set it up themselves (ask them outside chat); refuse removes it. Admins only, never on their own enrollment.";
}
