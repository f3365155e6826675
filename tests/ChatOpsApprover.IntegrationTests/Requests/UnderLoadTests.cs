using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>
/// A burst, not a benchmark (speed goals live in bench/): 200 people ask at the same moment, then their approver
/// clicks Approve on all 200 cards at once. Nothing may be refused, duplicated or lost, and the audit chain holds.
/// </summary>
public sealed class UnderLoadTests
{
    private const int People = 200;

    /// <summary>Start-up and the effects of 400 requests on a busy 2-core machine: generous, but each is a deadline on a condition.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task TwoHundredRequests_ThenTwoHundredApprovals_AllAnswered_EachGrantedOnce_AndTheChainVerifies()
    {
        // Each person needs a login at the target (roles are the cluster's: a tag of this run keeps them apart).
        var tag = $"{Environment.ProcessId}_{Guid.NewGuid():N}"[..16];
        await using (var dataSource = NpgsqlDataSource.Create(await TestPostgres.AdminConnectionStringAsync()))
        await using (var create = dataSource.CreateCommand(string.Concat(Enumerable.Range(0, People).Select(i => $"CREATE ROLE {Login(tag, i)} LOGIN;"))))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var bot = await BotHost.StartAsync(settings =>
        {
            for (var i = 0; i < People; i++)
            {
                settings[$"People:load{i}:Slack"] = SlackId(i);
                settings[$"People:load{i}:Logins:prod-db"] = Login(tag, i);
            }
        });

        var requests = await Task.WhenAll(Enumerable.Range(0, People).Select(async i =>
        {
            using var response = await bot.PostSignedAsync("/slack/commands", BotHost.CommandBody(SlackId(i), $"request prod-db-read 1h load test {i}"));
            var body = await response.Content.ReadAsStringAsync();
            return (Status: response.StatusCode, Body: body);
        }));
        Assert.All(requests, r => Assert.True(r.Status == HttpStatusCode.OK, $"HTTP {(int)r.Status}: {r.Body}"));
        var ids = requests.Select(r => RequestId(JsonNode.Parse(r.Body)!["text"]!.GetValue<string>())).ToArray();
        Assert.Equal(People, ids.Distinct().Count());
        Assert.Equal(People, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE status = 'pending'"));

        var clicks = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await bot.ClickAsync("U0BOB", id, approve: true);
            return (Status: response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        Assert.All(clicks, c => Assert.True(c.Status == HttpStatusCode.OK, $"HTTP {(int)c.Status}: {c.Body}"));

        await Wait.UntilAsync(
            async () => await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE status = 'active'") == People,
            "every request to be granted", Patience);

        // Exactly 200 requests, 200 decisions and 200 grants: one of each per person, none twice.
        Assert.Equal(People, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests"));
        Assert.Equal(People, await bot.ScalarAsync("SELECT count(DISTINCT person_id) FROM jit.access_requests"));
        Assert.Equal(People, await bot.ScalarAsync("SELECT count(*) FROM jit.decisions"));
        Assert.Equal(People, await bot.ScalarAsync("SELECT count(DISTINCT request_id) FROM jit.decisions"));
        Assert.Equal(People, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.GrantSucceeded}'"));
        Assert.Equal(People, await bot.ScalarAsync($"SELECT count(DISTINCT request_id) FROM jit.audit_log WHERE event = '{AuditEvents.GrantSucceeded}'"));
        Assert.Equal(People, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.RequestCreated}'"));
        Assert.Equal(People, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE event = '{AuditEvents.RequestApproved}'"));
        Assert.Equal(People, await bot.ScalarAsync(
            $"SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = '{bot.GrantRole}' AND u.rolname LIKE 'load\\_%'"));

        await bot.AuditSealedAsync();
        var chain = await bot.Service<AuditVerifier>().VerifyAsync(CancellationToken.None);
        Assert.True(chain.Intact, chain.FirstBreak?.Problem);
        Assert.True(chain.EntriesChecked >= 3 * People, $"{chain.EntriesChecked} entries checked");
    }

    private static string SlackId(int i) => "U0LOAD" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static string Login(string tag, int i) => $"load_{tag}_{i}";

    private static long RequestId(string reply)
    {
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"Request #(\d+)");
        Assert.True(match.Success, $"Expected a request id in the reply: {reply}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
