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
public sealed class BreakGlassJobs(RequestStore store, BreakGlassAlertStore alerts, AccessDirectory directory, IEnumerable<IChatPlatform> platforms, IEnumerable<IAuditChannel> auditChannels, IEnumerable<IHomeViews> homeViews, TimeProvider time)
{
    /// <summary>
    /// Posts the alert to the role's approval channel and to the audit channel on every platform that has them (each
    /// channel once). Each post is recorded once it succeeded (<see cref="BreakGlassAlertStore"/>), so a retry after a
    /// platform failed posts only where the alert has not gone yet. Only a crash between a post and its record can
    /// repeat that one alert: a loud alert twice is better than none.
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
        var posted = await alerts.PostedAsync(requestId);
        foreach (var platform in platforms)
        {
            var channels = new[] { platform.ApprovalChannel(role), auditChannels.FirstOrDefault(a => a.Platform == platform.Platform)?.Channel }
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Where(channel => !posted.Contains((platform.Platform, channel)));
            foreach (var channel in channels)
            {
                await platform.PostAlertAsync(channel, text, cancellationToken);
                await alerts.RecordAsync(requestId, platform.Platform, channel, time.GetUtcNow());
            }
        }

        // A break-glass use posts no card, so no card job tells the home views of its requester and approvers.
        foreach (var views in homeViews)
        {
            await views.RequestsChangedAsync([request], cancellationToken);
        }
    }
}
