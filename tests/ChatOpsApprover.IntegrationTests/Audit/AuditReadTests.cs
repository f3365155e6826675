using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>Reading the audit log is itself audited: /audit/export, /audit/verify and jit audit write who read what.</summary>
public sealed class AuditReadTests
{
    [Fact]
    public async Task Export_IsRecordedWithItsRangeFormatAndSource()
    {
        await using var bot = await BotHost.StartAsync(s => s["Audit:ExportToken"] = AuditTestExtensions.ExportToken);
        await bot.RequestAccessAsync();
        var today = bot.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var response = await GetAsync(bot, $"/audit/export?from={today}&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(AuditEvents.AuditRead, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(1, await bot.ScalarAsync(
            $"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.AuditRead}' AND actor = '{AuditReadLog.ExportTokenHolder}' AND platform = 'web' AND request_id IS NULL " +
            $"AND details->>'via' = 'export' AND details->>'from' = '{today}T00:00:00.000000Z' AND details->>'to' = 'newest' AND details->>'format' = 'csv' AND details->>'source' = '127.0.0.1' AND details->>'outcome' LIKE 'complete (%'"));
        Assert.True((await bot.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Verify_IsRecorded_AndARefusedReadIsNot()
    {
        await using var bot = await BotHost.StartAsync(s => s["Audit:ExportToken"] = AuditTestExtensions.ExportToken);
        using (var refused = await GetAsync(bot, "/audit/verify", token: "wrong-token-wrong-token-wrong-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(0, await bot.AuditCountAsync(AuditEvents.AuditRead));
        using var response = await GetAsync(bot, "/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.AuditRead}' AND details->>'via' = 'verify'"));
    }

    [Fact]
    public async Task JitAudit_RecordsWhoReadWhichScope_AndItsSummariesLeaveReadsOut()
    {
        await using var bot = await BotHost.StartAsync();
        await bot.RequestAccessAsync();

        var first = await bot.CommandAsync("U0BOB", "audit prod-db-read");
        var second = await bot.CommandAsync("U0BOB", "audit prod-db-read");
        Assert.Contains("1 event(s)", first, StringComparison.Ordinal);
        Assert.Contains("1 event(s)", second, StringComparison.Ordinal);
        Assert.DoesNotContain(AuditEvents.AuditRead, second, StringComparison.Ordinal);

        Assert.Equal(2, await bot.ScalarAsync(
            $"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.AuditRead}' AND actor = 'bob' AND platform = 'slack' AND details->>'via' = 'command' AND details->>'scope' = 'role prod-db-read'"));

        // Someone refused the log reads nothing, so nothing is recorded.
        Assert.Contains("Only approvers and admins", await bot.CommandAsync("U0CAROL", "audit"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.AuditRead}' AND actor = 'carol'"));
    }

    private static async Task<HttpResponseMessage> GetAsync(BotHost bot, string path, string token = AuditTestExtensions.ExportToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await bot.Http.SendAsync(request);
    }
}
