namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// What a card's button does. Each platform maps a kind to its own action id or verb and style; a new kind (approve
/// for less time with a duration choice, deny with a reason) is added here and the compiler shows every renderer.
/// </summary>
public enum CardActionKind
{
    Approve,

    /// <summary>
    /// Approves for one of the shorter <see cref="CardAction.Choices"/>: on Slack a select beside Approve whose pick
    /// approves at once; on Teams a choice on the card submitted with Approve.
    /// </summary>
    ApproveFor,
    /// <summary>Asks the approver why (<see cref="CardAction.DenyReasonLabel"/>); a denial without a reason is refused.</summary>
    Deny,

    /// <summary>Approves an extension of active access (the card's id is the extension's).</summary>
    ApproveExtension,

    /// <summary>Denies an extension of active access; no reason is asked (the access keeps its end).</summary>
    DenyExtension,
}
