namespace ChatOpsApprover.Domain;

/// <summary>
/// The step-up rules, in one place. A step-up is one confirmation with a person's second factor on one request; the
/// factor itself is set up once, by enrollment.
/// </summary>
public static class StepUpRules
{
    /// <summary>Whether the requester must confirm before the grant.</summary>
    public static bool RequesterMustConfirm(RoleDefinition role) => role.StepUp is StepUpPolicy.Requester or StepUpPolicy.Both;

    /// <summary>Whether the requester of <paramref name="request"/> must confirm before the grant: always for break-glass, whatever the role says.</summary>
    public static bool RequesterMustConfirm(AccessRequest request, RoleDefinition role) => request.BreakGlass || RequesterMustConfirm(role);

    /// <summary>Whether an approval counts only after the approver confirms it. Denials always count at once: they grant nothing.</summary>
    public static bool ApproverMustConfirm(RoleDefinition role) => !role.AutoApprove && (role.StepUp is StepUpPolicy.Approver or StepUpPolicy.Both);

    /// <summary>
    /// Whether an approval of <paramref name="request"/> counts only after the approver confirms it: the role asks for it,
    /// or a policy rule did when the request was made.
    /// </summary>
    public static bool ApproverMustConfirm(RoleDefinition role, AccessRequest request) =>
        !request.AutoApproved && (role.StepUp is StepUpPolicy.Approver or StepUpPolicy.Both || request.ApproverStepUp);

    /// <summary>
    /// Whether an approval of an extension of <paramref name="request"/> counts only after the approver confirms it: the
    /// role asks approvers to confirm (Approver, Both), or a policy rule asked it of the request's approvers when it was
    /// made. Unlike <see cref="ApproverMustConfirm(RoleDefinition, AccessRequest)"/> an auto-approved request does not
    /// waive it: a person approves the extension.
    /// </summary>
    public static bool ExtensionApproverMustConfirm(RoleDefinition role, AccessRequest request) =>
        role.StepUp is StepUpPolicy.Approver or StepUpPolicy.Both || request.ApproverStepUp;

    /// <summary>
    /// Whether the requester must confirm an extension of <paramref name="request"/> with their second factor before the
    /// end moves: whenever they had to confirm the request itself (Requester, Both, break-glass). More access time is
    /// more access, and a taken-over chat account must not be able to keep someone's access open.
    /// </summary>
    public static bool ExtensionRequesterMustConfirm(RoleDefinition role, AccessRequest request) => RequesterMustConfirm(request, role);

    /// <summary>
    /// A valid code from a new device or network is refused when the role says so (BlockRiskyStepUp, or Risk with
    /// Block on a watched signal); otherwise it is marked, and maybe flagged for review (see <see cref="PolicyEvaluation.OnStepUp"/>).
    /// </summary>
    public static bool Refuses(RoleDefinition role, StepUpRisk risk) => PolicyEvaluation.OnStepUp(role, risk).Action == StepUpRiskAction.Block;

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

        return !RequesterMustConfirm(request, role) || requester is not null;
    }

    /// <summary>
    /// The status in which a request still needs a confirmation of <paramref name="purpose"/>: an approver's while it
    /// is pending, the requester's once it is approved. In any other status a waiting confirmation is moot.
    /// </summary>
    public static RequestStatus Awaits(StepUpPurpose purpose) => purpose == StepUpPurpose.Requester ? RequestStatus.Approved : RequestStatus.Pending;

    /// <summary>
    /// Whether <paramref name="request"/> still waits for <paramref name="personId"/> to confirm with their second factor
    /// for <paramref name="purpose"/>: asked, not yet answered, and the request in the status that needs it.
    /// </summary>
    public static bool IsWaitingFor(AccessRequest request, string personId, StepUpPurpose purpose) =>
        request.Status == Awaits(purpose)
        && request.StepUps.Any(s => s.PersonId == personId && s.Purpose == purpose && s.State == StepUpState.Waiting);

    /// <summary>The requester's confirmation that is still waiting, if any.</summary>
    public static StepUpConfirmation? WaitingForRequester(AccessRequest request) =>
        request.StepUps.FirstOrDefault(s => s.Purpose == StepUpPurpose.Requester && s.State == StepUpState.Waiting);
}
