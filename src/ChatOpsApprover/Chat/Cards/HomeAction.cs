namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// A button on a person's home view. Approve and Deny send the approval card's own ids, so a click from the home view
/// takes exactly the card's path (who may decide, self-approval, step-up).
/// </summary>
public sealed record HomeAction(HomeActionKind Kind, string Label)
{
    public const string RequestAccessId = "jit_home_request";
    public const string RevokeId = "jit_revoke";

    /// <summary>What the platform sends back when the button is clicked (Slack's action_id).</summary>
    public string Id => Kind switch
    {
        HomeActionKind.RequestAccess => RequestAccessId,
        HomeActionKind.Revoke => RevokeId,
        HomeActionKind.Approve => CardAction.ApproveId,
        HomeActionKind.Deny => CardAction.DenyId,
    };
}
