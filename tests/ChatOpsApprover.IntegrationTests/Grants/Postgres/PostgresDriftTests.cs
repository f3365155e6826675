using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Grants.Postgres;

/// <summary>Drift at a PostgreSQL target: memberships of the role the bot gave that should have ended, and ones it never gave.</summary>
public sealed class PostgresDriftTests
{
    [Fact]
    public async Task AMembershipThatShouldHaveEnded_IsRevokedAgain_OneTheBotNeverGaveIsReportedAndLeftAlone_EachOnce()
    {
        await using var bot = await BotHost.StartAsync(s => s["Audit:SlackChannel"] = AuditTestExtensions.AuditChannel);
        var alice = bot.LoginOf("alice");
        var carol = bot.LoginOf("carol");
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 30m incident");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.Equal(0, await bot.DriftNowAsync("prod-db"));

        // Behind the bot's back: alice's membership is back, from the bot's own grantor; carol gets one the bot never gave.
        await bot.ExecuteAsync($"GRANT {bot.GrantRole} TO {alice}; GRANT {bot.GrantRole} TO {carol}");
        Assert.Equal(2, await bot.DriftNowAsync("prod-db"));
        await Wait.UntilAsync(async () => !await bot.HasRoleAsync(alice), "the lingering membership to be revoked again");
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.leftover_revoked'") == 1, "the clean-up to be audited");
        Assert.True(await bot.HasRoleAsync(carol), "access the bot never gave is never touched");
        Assert.Equal(0, await bot.DriftNowAsync("prod-db"));

        Assert.Equal("lingering", await bot.ScalarTextAsync($"SELECT details->>'kind' FROM jit.audit_log WHERE event = 'access.drift' AND request_id = {id}"));
        Assert.Contains(carol, await bot.ScalarTextAsync("SELECT details->>'found' FROM jit.audit_log WHERE event = 'access.drift' AND details->>'kind' = 'unknown'"), StringComparison.Ordinal);
        Assert.Equal(2, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'access.drift'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Count(c => c.Body["channel"]?.GetValue<string>() == AuditTestExtensions.AuditChannel && c.Text.Contains("Drift at the target", StringComparison.Ordinal)) >= 1, "the audit channel to be told");
    }
}
