using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>
/// For a locked request that will never be active (its grant failed, or its approval lapsed): a grant attempt may
/// have reached the target before its transaction failed, so that membership is taken away unless another active
/// request needs it. Used by <see cref="Granter"/> and <see cref="ApprovalLapse"/>.
/// </summary>
public sealed class LeftoverMembershipRemover(RequestStore store, GrantTargets targets, ILogger<LeftoverMembershipRemover> logger)
{
    /// <summary>Removes the request's membership if nothing else needs it; returns what the audit entry should say about it.</summary>
    public async Task<string> RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRequest request, CancellationToken cancellationToken)
    {
        var membership = new Membership(request.Grant, request.Login);
        await MembershipLock.AcquireAsync(connection, transaction, request.Target, [membership]);
        if ((await store.StillNeededAsync(connection, transaction, request.Target, [request.Id], [membership])).Count > 0)
        {
            return "kept: another active request needs it";
        }

        try
        {
            await targets.Get(request.Target).RevokeAsync([membership], cancellationToken);
            return "none left at target";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not make sure request {RequestId} left no membership at target {Target}", request.Id, request.Target);
            return $"could not be checked ({e.GetType().Name}): verify at the target";
        }
    }
}
