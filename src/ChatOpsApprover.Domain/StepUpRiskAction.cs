namespace ChatOpsApprover.Domain;

/// <summary>What a step-up from a device or network the person has not used before does.</summary>
public enum StepUpRiskAction
{
    /// <summary>Shown on the card and in the audit entry, nothing more (what every step-up does).</summary>
    Mark,

    /// <summary>Granted, and marked for review in the audit log and its channel.</summary>
    Review,

    /// <summary>Refused: a requester's request fails, an approver's vote is not counted.</summary>
    Block,
}
