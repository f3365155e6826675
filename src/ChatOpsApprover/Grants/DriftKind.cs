namespace ChatOpsApprover.Grants;

/// <summary>How a target and the bot's records disagree.</summary>
public enum DriftKind
{
    /// <summary>Access is at the target that the records say has ended: it is revoked again (a durable clean-up).</summary>
    Lingering,

    /// <summary>The records say access is active, but the target does not have it: reported.</summary>
    Missing,

    /// <summary>Access at the target that the bot never gave: reported, never touched.</summary>
    Unknown,
}
