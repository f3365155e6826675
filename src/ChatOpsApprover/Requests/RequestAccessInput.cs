namespace ChatOpsApprover.Requests;

/// <summary>
/// What a person asks for, however they asked (the typed command, later a form): a role, for how long, and why.
/// The command grammar already checked the duration and the reason's length; policy checks the rest.
/// </summary>
public sealed record RequestAccessInput(string Role, TimeSpan Duration, string Reason);
