namespace ChatOpsApprover.Grants;

/// <summary>The target refused a grant for good (a webhook's 4xx): retrying cannot help, so the grant fails at once.</summary>
public sealed class GrantRefusedException(string reason) : Exception(reason);
