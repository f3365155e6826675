using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat;

/// <summary>
/// One chat platform's outbound side. Each adapter renders the same <see cref="ApprovalCard"/> in its own format;
/// a new platform is one new implementation.
/// </summary>
public interface IChatPlatform
{
    ChatPlatform Platform { get; }

    /// <summary>Where this role's approval cards go on this platform, or null when the role has none here.</summary>
    string? ApprovalChannel(RoleDefinition role);

    Task<ChatMessageRef> PostApprovalCardAsync(string channel, ApprovalCard card, CancellationToken cancellationToken);

    Task UpdateApprovalCardAsync(ChatMessageRef message, ApprovalCard card, CancellationToken cancellationToken);

    /// <summary>Sends a private message; returns false when the person has no identity on this platform.</summary>
    Task<bool> SendDirectMessageAsync(Person person, string text, CancellationToken cancellationToken);

    /// <summary>Sends the requester's ending-soon message privately; false when the person has no identity on this platform.</summary>
    Task<bool> SendEndingSoonAsync(Person person, EndingSoonNotice notice, CancellationToken cancellationToken);

    /// <summary>
    /// Tells <paramref name="people"/> that the card <paramref name="card"/> waits for them (a reminder, or an
    /// escalation that made them approvers: then <paramref name="withCard"/> is the card, for platforms where people
    /// would not see it otherwise).
    /// </summary>
    Task NudgeAsync(ChatMessageRef card, IReadOnlyList<Person> people, string text, ApprovalCard? withCard, CancellationToken cancellationToken);

    /// <summary>A link that opens the card where it was posted, or null when this platform cannot link to it.</summary>
    Uri? LinkTo(ChatMessageRef card);

    /// <summary>
    /// Posts an alert everyone in <paramref name="channel"/> should notice at once (a break-glass use), as loudly as the
    /// platform allows. <paramref name="text"/> is plain text; the adapter escapes it.
    /// </summary>
    Task PostAlertAsync(string channel, string text, CancellationToken cancellationToken);

    /// <summary>Shows a message to one user only, in the channel where they acted.</summary>
    Task SendEphemeralAsync(string userId, string channel, string text, CancellationToken cancellationToken);
}
