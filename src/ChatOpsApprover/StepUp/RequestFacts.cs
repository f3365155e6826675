namespace ChatOpsApprover.StepUp;

/// <summary>The request a step-up confirms, as the person should check it.</summary>
public sealed record RequestFacts(long Id, string Requester, string Role, string RoleDescription, string Duration, string Reason, string Approvers, string Confirming);
