using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Hangfire;

namespace ChatOpsApprover.BreakGlass;

/// <summary>
/// Hangfire entry point for the break-glass alert: a chat job (<see cref="ChatJobs"/>). Keep its name and parameters
/// stable: queued jobs refer to them.
/// </summary>
[Queue(ChatJobs.Queue)]
public sealed class BreakGlassJobs(RequestStore store, AccessDirectory directory, IEnumerable<IChatPlatform> platforms, IEnumerable<IAuditChannel> auditChannels, IEnumerable<IHomeViews> homeViews)
{
    /// <summary>
    /// Posts the alert to the role's approval channel and to the audit channel on every platform that has them (each
    /// channel once). At least once: a retry after a platform failed may repeat the alert where it already went.
    /// </summary>
    public async Task AlertAsync(long requestId, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(requestId);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        if (request is null || role is null)
        {
            return;
        }

        var text = BreakGlassMessages.Alert(request);
        foreach (var platform in platforms)
        {
            var channels = new[] { platform.ApprovalChannel(role), auditChannels.FirstOrDefault(a => a.Platform == platform.Platform)?.Channel }
                .OfType<string>()
                .Distinct(StringComparer.Ordinal);
            foreach (var channel in channels)
            {
                await platform.PostAlertAsync(channel, text, cancellationToken);
            }
        }

        // A break-glass use posts no card, so no card job tells the home views of its requester and approvers.
        foreach (var views in homeViews)
        {
            await views.RequestsChangedAsync([request], cancellationToken);
        }
    }
}
