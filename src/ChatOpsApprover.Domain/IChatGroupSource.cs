namespace ChatOpsApprover.Domain;

/// <summary>
/// A chat platform's own groups of users (Slack usergroups), as the last answer from the platform had them. Answers
/// from memory, never waits on the platform: the adapter refreshes in the background and keeps the last known members
/// through an outage.
/// </summary>
public interface IChatGroupSource
{
    ChatPlatform Platform { get; }

    /// <summary>The platform user ids in the group as last known; empty when it was never read.</summary>
    IReadOnlyCollection<string> MembersOf(string groupId);
}
