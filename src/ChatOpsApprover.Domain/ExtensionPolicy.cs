namespace ChatOpsApprover.Domain;

/// <summary>
/// A role's Extend settings: active access may be extended, never beyond <see cref="MaxTotal"/> from the time it was
/// granted; an extension needs the role's approvers unless <see cref="RequiresApproval"/> is false.
/// </summary>
public sealed record ExtensionPolicy(TimeSpan MaxTotal, bool RequiresApproval);
