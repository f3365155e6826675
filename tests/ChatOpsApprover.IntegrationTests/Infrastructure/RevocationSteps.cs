using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Revocation helpers for tests of targets that fail to take access away.</summary>
public static class RevocationSteps
{
    /// <summary>
    /// Moves the clock by <paramref name="window"/> (to the end of request <paramref name="id"/>), waits for its revoke
    /// to fail, checks the request is still active, and returns the error its access.revoke_failed entry gives.
    /// </summary>
    public static async Task<string> EndWithFailedRevokeAsync(this BotHost bot, long id, TimeSpan window)
    {
        bot.Time.Advance(window);
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT revoke_attempts FROM jit.access_requests WHERE id = {id}") >= 1, "the failed revoke to be counted");
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(id)).Status);
        return await bot.ScalarTextAsync($"SELECT details->>'error' FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoke_failed'");
    }
}
