namespace ChatOpsApprover.Chat.Cards;

/// <summary>A button on an approval card; it acts on the card's request.</summary>
public sealed record CardAction(CardActionKind Kind, string Label)
{
    public const string ApproveId = "jit_approve";
    public const string DenyId = "jit_deny";

    /// <summary>How every platform asks for a denial's reason (Slack in the modal Deny opens, Teams on the card).</summary>
    public const string DenyReasonLabel = "Why do you deny it? The requester reads this.";

    /// <summary>What the platform sends back when the button is clicked: Slack's action_id, Teams' Action.Execute verb.</summary>
    public string Id => Kind switch
    {
        CardActionKind.Approve => ApproveId,
        CardActionKind.Deny => DenyId,
    };
}
