namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// The requester's private "your access ends in 10 minutes" message, the same on every platform: its text and, when
/// the role still allows an extension, the durations offered to extend by (shortest first; empty: no Extend control).
/// Picking one asks for that extension, exactly as typing <c>jit extend &lt;id&gt; &lt;duration&gt;</c> would.
/// </summary>
public sealed record EndingSoonNotice(long RequestId, string Text, IReadOnlyList<TimeSpan> ExtendBy)
{
    /// <summary>Slack's action_id of the Extend select and Teams' Action.Execute verb of the Extend button.</summary>
    public const string ExtendId = "jit_extend";

    public const string ExtendLabel = "Extend by…";

    public const string ExtendButton = "Extend";
}
