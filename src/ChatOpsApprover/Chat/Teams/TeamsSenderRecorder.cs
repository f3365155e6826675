using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Remembers where a registered person can be reached on Teams (their 29:… id, tenant, connector and 1:1 chat), from
/// the authenticated activities they send, so that private messages to them can be delivered later.
/// </summary>
public sealed class TeamsSenderRecorder(AccessDirectory directory, TeamsUserStore users, TimeProvider time)
{
    public async Task RememberAsync(TeamsActivity activity)
    {
        if (activity.FromAadObjectId is not { } aad || directory.FindByChatUser(new ChatUser(TeamsChat.Key, aad)) is null)
        {
            return;
        }

        await users.RememberAsync(new TeamsUserRecord(
            aad,
            activity.FromId,
            activity.TenantId,
            activity.ServiceUrl,
            activity.IsPersonal ? activity.ConversationId : null), time.GetUtcNow());
    }
}
