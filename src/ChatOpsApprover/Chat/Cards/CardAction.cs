namespace ChatOpsApprover.Chat.Cards;

/// <summary>A button (or, for <see cref="CardActionKind.ApproveFor"/>, a choice) on an approval card; it acts on the card's request.</summary>
public sealed record CardAction(CardActionKind Kind, string Label)
{
    public const string ApproveId = "jit_approve";
    public const string ApproveForId = "jit_approve_for";
    public const string DenyId = "jit_deny";
    public const string ApproveExtensionId = "jit_extension_approve";
    public const string DenyExtensionId = "jit_extension_deny";
    public const string ApproveForLabel = "Approve for less…";

    /// <summary>The shorter durations offered by <see cref="CardActionKind.ApproveFor"/>, shortest first; empty for the others.</summary>
    public IReadOnlyList<TimeSpan> Choices { get; init; } = [];

    /// <summary>How every platform asks for a denial's reason (Slack in the modal Deny opens, Teams on the card).</summary>
    public const string DenyReasonLabel = "Why do you deny it? The requester reads this.";

    /// <summary>What the platform sends back when the button is clicked: Slack's action_id, Teams' Action.Execute verb.</summary>
    public string Id => Kind switch
    {
        CardActionKind.Approve => ApproveId,
        CardActionKind.ApproveFor => ApproveForId,
        CardActionKind.Deny => DenyId,
        CardActionKind.ApproveExtension => ApproveExtensionId,
        CardActionKind.DenyExtension => DenyExtensionId,
    };
}
