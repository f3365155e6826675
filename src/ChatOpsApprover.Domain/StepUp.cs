namespace ChatOpsApprover.Domain;

/// <summary>Who must prove, at the moment of the decision, that they hold their second factor.</summary>
public enum StepUpPolicy
{
    /// <summary>Nobody: approval alone starts access.</summary>
    None,

    /// <summary>The requester confirms after approval; the grant waits for their code. The default.</summary>
    Requester,

    /// <summary>Each approver's approval counts only once that approver confirms it.</summary>
    Approver,

    /// <summary>Approvers confirm their approvals, then the requester confirms before the grant.</summary>
    Both,
}

/// <summary>Why a person is asked for their second factor on a request.</summary>
public enum StepUpPurpose
{
    /// <summary>The requester confirms an approved request before the grant.</summary>
    Requester,

    /// <summary>An approver confirms their own approval before it counts.</summary>
    Approver,
}

/// <summary>
/// Where a confirmation stands. Entered as <see cref="Waiting"/> when the person is asked; ends as <see cref="Verified"/>
/// (a valid code from an allowed device and network) or <see cref="Refused"/> (the role blocks risky step-ups).
/// Asking again while waiting keeps it <see cref="Waiting"/>.
/// </summary>
public enum StepUpState
{
    Waiting,
    Verified,
    Refused,
}

/// <summary>What was unusual about where a step-up came from, compared with the person's earlier ones.</summary>
public sealed record StepUpRisk(bool NewDevice, bool NewNetwork)
{
    public static readonly StepUpRisk None = new(false, false);

    public bool IsRisky => NewDevice || NewNetwork;

    /// <summary>"new device, new network", or empty when nothing was new.</summary>
    public string Describe() => string.Join(", ", new[] { NewDevice ? "new device" : null, NewNetwork ? "new network" : null }.OfType<string>());
}

/// <summary>One person's second-factor confirmation on one request, for one purpose. At most one per (person, purpose).</summary>
public sealed record StepUpConfirmation(string PersonId, StepUpPurpose Purpose, StepUpState State, DateTimeOffset At, StepUpRisk Risk);

/// <summary>The step-up rules, in one place.</summary>
public static class StepUpRules
{
    /// <summary>Whether the requester must confirm before the grant.</summary>
    public static bool RequesterMustConfirm(RoleDefinition role) => role.StepUp is StepUpPolicy.Requester or StepUpPolicy.Both;

    /// <summary>Whether an approval counts only after the approver confirms it. Denials always count at once: they grant nothing.</summary>
    public static bool ApproverMustConfirm(RoleDefinition role) => !role.AutoApprove && (role.StepUp is StepUpPolicy.Approver or StepUpPolicy.Both);

    /// <summary>A valid code from a new device or network is refused when the role says so; otherwise it only gets marked.</summary>
    public static bool Refuses(RoleDefinition role, StepUpRisk risk) => role.BlockRiskyStepUp && risk.IsRisky;

    /// <summary>
    /// Whether an approved request may be granted now: never while a requester confirmation is waiting or was refused,
    /// and never without a verified one when the role asks for it. Fails closed when the role is unknown.
    /// </summary>
    public static bool ReadyToGrant(AccessRequest request, RoleDefinition? role)
    {
        if (role is null)
        {
            return false;
        }

        var requester = request.StepUps.FirstOrDefault(s => s.Purpose == StepUpPurpose.Requester && s.PersonId == request.PersonId);
        if (requester is not null && requester.State != StepUpState.Verified)
        {
            return false;
        }

        return !RequesterMustConfirm(role) || requester is not null;
    }

    /// <summary>
    /// The status in which a request still needs a confirmation of <paramref name="purpose"/>: an approver's while it
    /// is pending, the requester's once it is approved. In any other status a waiting confirmation is moot.
    /// </summary>
    public static RequestStatus Awaits(StepUpPurpose purpose) => purpose == StepUpPurpose.Requester ? RequestStatus.Approved : RequestStatus.Pending;

    /// <summary>The requester's confirmation that is still waiting, if any.</summary>
    public static StepUpConfirmation? WaitingForRequester(AccessRequest request) =>
        request.StepUps.FirstOrDefault(s => s.Purpose == StepUpPurpose.Requester && s.State == StepUpState.Waiting);
}
