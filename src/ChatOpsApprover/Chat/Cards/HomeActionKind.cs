namespace ChatOpsApprover.Chat.Cards;

/// <summary>What a button on a person's home view does.</summary>
public enum HomeActionKind
{
    /// <summary>Opens the request form, as the "Request access" shortcut does.</summary>
    RequestAccess,

    /// <summary>Ends the person's own active access now, exactly as "jit revoke &lt;id&gt;" does.</summary>
    Revoke,

    /// <summary>The approval card's Approve, the same click with the same rules.</summary>
    Approve,

    /// <summary>The approval card's Deny (asks why first), the same click with the same rules.</summary>
    Deny,
}
