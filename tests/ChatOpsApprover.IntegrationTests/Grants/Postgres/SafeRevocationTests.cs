using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Grants.Postgres;

/// <summary>PostgreSQL as a target, for real: the bot never takes away what it did not give, and what it takes is really gone.</summary>
public sealed class SafeRevocationTests
{
    private static async Task<long> ActiveRequestAsync(BotHost bot, string duration = "2h")
    {
        var id = await bot.RequestAccessAsync(text: $"request prod-db-read {duration} incident work");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        return id;
    }

    private static Task<string> MembershipDetailAsync(BotHost bot, long id, string @event) =>
        bot.ScalarTextAsync($"SELECT details->>'membership' FROM jit.audit_log WHERE request_id = {id} AND event = '{@event}'");

    [Fact]
    public async Task StandingMembership_IsNotGranted_AndSurvivesTheEndOfTheRequest()
    {
        await using var bot = await BotHost.StartAsync();
        var alice = bot.LoginOf("alice");
        await bot.ExecuteAsync($"GRANT {bot.GrantRole} TO {alice}");

        var id = await ActiveRequestAsync(bot);
        var request = await bot.RequestAsync(id);
        Assert.True(request.HeldOutside);
        Assert.Contains("already held outside the bot", await MembershipDetailAsync(bot, id, "grant.succeeded"), StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("You already held this access outside ChatOpsApprover", StringComparison.Ordinal)), "the requester to be told nothing changed");

        Assert.Contains("was revoked", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        Assert.True(await bot.HasRoleAsync(alice), "a membership held before the request is never taken away");
        Assert.StartsWith("kept: held outside the bot", await MembershipDetailAsync(bot, id, "access.revoked"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembershipMadeStandingBySomeoneElseWhileActive_IsKeptAtTheEnd()
    {
        await using var bot = await BotHost.StartAsync();
        var alice = bot.LoginOf("alice");
        var dba = $"dba_{bot.Suffix}";
        var id = await ActiveRequestAsync(bot, "1h");
        Assert.False((await bot.RequestAsync(id)).HeldOutside);
        Assert.NotNull((await bot.RequestAsync(id)).GrantReceipt);

        // A DBA makes alice's access standing, in their own name (PostgreSQL 15 keeps one grantor per membership).
        await bot.ExecuteAsync($"CREATE ROLE {dba} LOGIN CREATEROLE");
        await using (var asDba = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(bot.ConnectionString) { Username = dba, Pooling = false }.ConnectionString))
        {
            await asDba.OpenAsync();
            await using var command = new NpgsqlCommand($"REVOKE {bot.GrantRole} FROM {alice}; GRANT {bot.GrantRole} TO {alice}", asDba);
            await command.ExecuteNonQueryAsync();
        }

        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.True(await bot.HasRoleAsync(alice), "the DBA's standing membership survives the end of the temporary one");
        Assert.Equal($"kept: held outside the bot: granted by {dba}", await MembershipDetailAsync(bot, id, "access.expired"));
    }

    [Fact]
    public async Task SessionThatDidSetRole_CannotReadAfterTheEnd()
    {
        await using var bot = await BotHost.StartAsync();
        var alice = bot.LoginOf("alice");
        var table = $"secret_{bot.Suffix}";
        await bot.ExecuteAsync($"CREATE TABLE {table} (x int); INSERT INTO {table} VALUES (42); GRANT SELECT ON {table} TO {bot.GrantRole}");
        var id = await ActiveRequestAsync(bot, "30m");

        // Alice opens a session during the window and takes on the role's rights.
        await using var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(bot.ConnectionString) { Username = alice, Pooling = false }.ConnectionString);
        await session.OpenAsync();
        await using (var setRole = new NpgsqlCommand($"SET ROLE {bot.GrantRole}", session))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        await using (var read = new NpgsqlCommand($"SELECT x FROM {table}", session))
        {
            Assert.Equal(42, await read.ExecuteScalarAsync());
        }

        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        await using (var readAgain = new NpgsqlCommand($"SELECT x FROM {table}", session))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => readAgain.ExecuteScalarAsync());
        }

        // A new session cannot take the role on again either.
        await using var fresh = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(bot.ConnectionString) { Username = alice, Pooling = false }.ConnectionString);
        await fresh.OpenAsync();
        await using (var setRoleAgain = new NpgsqlCommand($"SET ROLE {bot.GrantRole}", fresh))
        {
            await Assert.ThrowsAsync<PostgresException>(() => setRoleAgain.ExecuteNonQueryAsync());
        }

        Assert.Equal(1, (await bot.RequestAsync(id)).SessionsClosed);
        Assert.Equal("1", await bot.ScalarTextAsync($"SELECT details->>'sessions_closed' FROM jit.audit_log WHERE request_id = {id} AND event = 'access.expired'"));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("open session(s) at the target were closed", StringComparison.Ordinal)), "the requester to be told their sessions were closed");
    }

    [Fact]
    public async Task SessionsAreLeftAlone_WhenTheTargetSaysSo()
    {
        await using var bot = await BotHost.StartAsync(s => s["Targets:prod-db:TerminateSessions"] = "false");
        var id = await ActiveRequestAsync(bot, "30m");
        await using var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(bot.ConnectionString) { Username = bot.LoginOf("alice"), Pooling = false }.ConnectionString);
        await session.OpenAsync();

        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        await using var stillOpen = new NpgsqlCommand("SELECT 1", session);
        Assert.Equal(1, await stillOpen.ExecuteScalarAsync());
        Assert.Null((await bot.RequestAsync(id)).SessionsClosed);
    }

    [Fact]
    public async Task MembershipStillThereAfterRevoke_IsARevokeFailure_RetriedAndNeverLoggedAsRevoked()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
            s["Targets:prod-db:ConnectionString"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port }.ConnectionString);
        var alice = bot.LoginOf("alice");
        var id = await ActiveRequestAsync(bot, "1h");

        // The REVOKE runs, but the membership is back before the bot looks: as on PostgreSQL 16 and later when a REVOKE
        // by another grantor only warns, the bot finds it still there when it checks pg_auth_members.
        proxy.HoldUntil("x.i::int - 1", () => bot.ExecuteAsync($"GRANT {bot.GrantRole} TO {alice}"));
        Assert.Contains("still there after REVOKE", await bot.EndWithFailedRevokeAsync(id, TimeSpan.FromHours(1)), StringComparison.Ordinal);
        Assert.True(await bot.HasRoleAsync(alice));
        Assert.Equal(0, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event IN ('access.expired', 'access.revoked')"));

        // Retried with back-off; this time the membership goes, and only then is the end recorded.
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(alice));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.expired'"));
    }

    [Theory]
    [InlineData("withdrawn")]
    [InlineData("lapsed")]
    public async Task GrantWhoseReplyWasLost_IsCleanedUp_DurablyAndAudited(string ending)
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Targets:prod-db:ConnectionString"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
            s["Audit:SlackChannel"] = AuditTestExtensions.AuditChannel;
        });
        var alice = bot.LoginOf("alice");

        // The GRANT commits at the target, its reply is lost, and the target stays unreachable: every retry fails.
        proxy.LoseReplyTo($"GRANT \"{bot.GrantRole}\"");
        var id = await bot.RequestAccessAsync(text: "request prod-db-read 1h incident");
        await bot.ClickApproveAsync("U0BOB", id);
        await Wait.UntilAsync(() => bot.HasRoleAsync(alice), "the lost grant to be at the target");
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT grant_attempts FROM jit.access_requests WHERE id = {id}") >= 1, "the grant attempt to fail");
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);

        if (ending == "withdrawn")
        {
            Assert.Contains("withdrawn", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        }
        else
        {
            // The scheduler lets it lapse on its own clock; the test's pass is a second chance, not a race.
            bot.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            await bot.LapseNowAsync();
            await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        }

        var ended = await bot.RequestAsync(id);
        Assert.True(RequestLifecycle.IsTerminal(ended.Status));
        Assert.NotNull(ended.CleanupDueAt);

        // The clean-up is a revocation like any other: it fails while the target is down, is audited, and is retried.
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoke_failed'") == 1, "the failed clean-up to be audited");
        Assert.True(await bot.HasRoleAsync(alice));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == AuditTestExtensions.AuditChannel && c.Text.Contains("Revocation failed", StringComparison.Ordinal)), "the audit channel to be alerted");

        proxy.Up();
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(async () => !await bot.HasRoleAsync(alice), "the leftover membership to be revoked");
        await Wait.UntilAsync(async () => (await bot.RequestAsync(id)).CleanupDueAt is null, "the clean-up to be done");
        Assert.Equal("revoked at target", await MembershipDetailAsync(bot, id, "access.leftover_revoked"));
        Assert.Equal(ended.Status, (await bot.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task OneDeadTarget_DoesNotHoldBackRevocationsAtTheOthers()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var dead = new TcpProxy(cluster.Port);
        dead.Stall();
        await using var bot = await BotHost.StartAsync(s =>
        {
            // Long timeouts: the dead target's sweep hangs for the whole test, as an unreachable host does.
            s["Targets:dead-db:ConnectionString"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = dead.Port, Timeout = 600, CommandTimeout = 600 }.ConnectionString;
        });
        var carol = bot.LoginOf("carol");
        await bot.ExecuteAsync($"GRANT {bot.GrantRole} TO {carol}");
        var now = bot.Time.GetUtcNow();
        await bot.ExecuteAsync($"""
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at)
            VALUES ('alice', 'prod-db-read', 'dead-db', '{bot.GrantRole}', '{bot.LoginOf("alice")}', 60, 'x', 'active', 'slack', '{now:O}', '{now:O}', '{now.AddMinutes(1):O}'),
                   ('carol', 'prod-db-read', 'prod-db', '{bot.GrantRole}', '{carol}', 60, 'x', 'active', 'slack', '{now:O}', '{now:O}', '{now.AddMinutes(1):O}')
            """);
        var deadId = await bot.ScalarAsync("SELECT id FROM jit.access_requests WHERE target = 'dead-db'");

        bot.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(async () => !await bot.HasRoleAsync(carol), "the healthy target's grant to be revoked");
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE target = 'prod-db' AND status = 'expired'") == 1, "the healthy grant to end");

        // The next end at the healthy target is on time too, while the dead target's sweep still hangs.
        await bot.ExecuteAsync($"GRANT {bot.GrantRole} TO {carol}");
        var later = bot.Time.GetUtcNow();
        await bot.ExecuteAsync($"""
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at)
            VALUES ('carol', 'prod-db-read', 'prod-db', '{bot.GrantRole}', '{carol}', 60, 'x', 'active', 'slack', '{later:O}', '{later:O}', '{later.AddMinutes(1):O}')
            """);
        bot.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE target = 'prod-db' AND status = 'expired'") == 2, "the second healthy grant to end");
        Assert.False(await bot.HasRoleAsync(carol));

        var stuck = await bot.RequestAsync(deadId);
        Assert.Equal(RequestStatus.Active, stuck.Status);
        Assert.Equal(0, await bot.ScalarAsync($"SELECT revoke_attempts FROM jit.access_requests WHERE id = {deadId}"));
    }
}
