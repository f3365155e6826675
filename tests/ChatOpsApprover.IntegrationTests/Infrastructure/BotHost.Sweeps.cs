using ChatOpsApprover.Grants;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the bot's own periodic work now, at the fake clock's time, so a test can move the clock, run it, then assert,
/// instead of hoping the scheduler has (or has not yet) acted. The scheduler keeps running beside it: rows are
/// claimed with SKIP LOCKED, so a row it is ending at the same moment is left to it (wait for the status then).
/// </summary>
public sealed partial class BotHost
{
    /// <summary>One revocation sweep (the real <see cref="RevocationSweep"/>); returns how many grants it ended.</summary>
    public Task<int> SweepNowAsync() => Service<RevocationSweep>().RevokeDueAsync(CancellationToken.None);

    /// <summary>One approval-lapse pass (the real <see cref="ApprovalLapse"/>); returns how many approvals lapsed.</summary>
    public Task<int> LapseNowAsync() => Service<ApprovalLapse>().LapseAsync(CancellationToken.None);

    /// <summary>One drift check of one target (the real <see cref="DriftReconciler"/>); returns how many new findings it reported.</summary>
    public Task<int> DriftNowAsync(string target) => Service<DriftReconciler>().CheckAsync(target, CancellationToken.None);

    /// <summary>One pending-timeout pass (the real <see cref="PendingTimeout"/>); returns how many requests timed out.</summary>
    public Task<int> TimeOutNowAsync() => Service<PendingTimeout>().TimeOutDueAsync(CancellationToken.None);

    /// <summary>Waits until request <paramref name="id"/> was escalated (by whichever instance's scheduler).</summary>
    public Task WaitForEscalationAsync(long id) =>
        Wait.UntilAsync(async () => (await RequestAsync(id)).EscalatedTo.Count > 0, $"request {id} to be escalated");

    /// <summary>One reminder-and-escalation pass (the real <see cref="PendingNudges"/>); returns how many it did.</summary>
    public Task<int> NudgeNowAsync() => Service<PendingNudges>().RunDueAsync(CancellationToken.None);

    /// <summary>One pass of the reminders before the end (the real <see cref="EndReminders"/>); returns how many requesters it reminded.</summary>
    public Task<int> EndRemindNowAsync() => Service<EndReminders>().RemindDueAsync(CancellationToken.None);
}
