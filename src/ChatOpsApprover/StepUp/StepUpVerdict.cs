using ChatOpsApprover.Domain;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// What <see cref="StepUpVerification"/> made of an accepted code: refused (the role blocks the risk it came with) or
/// verified, the risk signals, and a new device id for the browser's cookie (null when it already had one, or refused).
/// </summary>
public sealed record StepUpVerdict(bool Refused, StepUpRisk Risk, string? NewDevice);
