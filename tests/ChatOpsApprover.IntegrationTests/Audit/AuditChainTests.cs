using System.Diagnostics;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>The audit log is append-only in the database and tamper-evident: verify finds edits, deletions and reorders.</summary>
public sealed class AuditChainTests
{
    /// <summary>A bot with a history: one request through to expiry, one denied. Returns the number of entries.</summary>
    private static async Task<long> HistoryAsync(BotHost bot)
    {
        var expired = await bot.ActiveRequestAsync("request prod-db-read 1h first");
        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(expired, RequestStatus.Expired);
        var denied = await bot.RequestAccessAsync(text: "request prod-db-read 1h second, with \"quotes\"");
        using (await bot.DenyAsync("U0DAVE", denied))
        {
        }

        await bot.WaitForStatusAsync(denied, RequestStatus.Denied);
        return await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log");
    }

    [Fact]
    public async Task Verify_AfterRealTraffic_ReportsAllEntriesIntact_WithGaplessIds()
    {
        await using var bot = await BotHost.StartAsync();
        var entries = await HistoryAsync(bot);
        Assert.Equal(6, entries);

        var result = await bot.VerifyAuditAsync();
        Assert.True(result.Intact, result.Describe());
        Assert.Equal(entries, result.EntriesChecked);
        Assert.Equal(entries, result.LastId);
        Assert.Contains($"all {entries} entries verified", result.Describe(), StringComparison.Ordinal);
        Assert.Equal(entries, await bot.ScalarAsync("SELECT max(id) FROM jit.audit_log"));
        Assert.Equal(1, await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE id = 1 AND prev_hash = '{AuditChain.GenesisHash}'"));

        var (exitCode, output, _) = await AuditTestExtensions.RunCommandLineAsync("audit", "verify", $"--ConnectionStrings:Postgres={bot.ConnectionString}");
        Assert.Equal(0, exitCode);
        Assert.Contains($"intact: all {entries} entries verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProgram_RunsAuditVerify_InsteadOfTheWebHost_WithAnExitCode()
    {
        await using var bot = await BotHost.StartAsync();
        var entries = await HistoryAsync(bot);

        async Task<(int ExitCode, string Output)> RunAsync()
        {
            var (exitCode, output, error) = await ProgramRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = bot.ConnectionString }, "audit", "verify");
            return (exitCode, output + error);
        }

        var intact = await RunAsync();
        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains($"intact: all {entries} entries verified", intact.Output, StringComparison.Ordinal);

        await bot.TamperAsync("DELETE FROM jit.audit_log WHERE id = 4");
        var broken = await RunAsync();
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("BROKEN at entry 5: it does not follow entry 3", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FindsAnEditedEntry()
    {
        await using var bot = await BotHost.StartAsync();
        await HistoryAsync(bot);
        await bot.TamperAsync("UPDATE jit.audit_log SET actor = 'dave' WHERE id = 2");

        var result = await bot.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBreak!.EntryId);
        Assert.Contains("content was changed", result.FirstBreak.Problem, StringComparison.Ordinal);

        var (exitCode, _, error) = await AuditTestExtensions.RunCommandLineAsync("audit", "verify", $"--ConnectionStrings:Postgres={bot.ConnectionString}");
        Assert.Equal(1, exitCode);
        Assert.Contains("BROKEN at entry 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FindsAnEditedDetailOrTime()
    {
        await using var bot = await BotHost.StartAsync();
        await HistoryAsync(bot);
        await bot.TamperAsync("UPDATE jit.audit_log SET details = details || '{\"reason\": \"routine\"}' WHERE id = 5");
        Assert.Equal(5, (await bot.VerifyAuditAsync()).FirstBreak?.EntryId);

        await bot.TamperAsync("UPDATE jit.audit_log SET at = at - interval '1 microsecond' WHERE id = 3");
        Assert.Equal(3, (await bot.VerifyAuditAsync()).FirstBreak?.EntryId);
    }

    [Fact]
    public async Task Verify_FindsADeletedEntry()
    {
        await using var bot = await BotHost.StartAsync();
        await HistoryAsync(bot);
        await bot.TamperAsync("DELETE FROM jit.audit_log WHERE id = 3");

        var result = await bot.VerifyAuditAsync();
        Assert.Equal(4, result.FirstBreak?.EntryId);
        Assert.Contains("does not follow entry 2", result.FirstBreak!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FindsDeletedFirstAndNewestEntries()
    {
        await using var bot = await BotHost.StartAsync();
        var entries = await HistoryAsync(bot);
        await bot.TamperAsync($"DELETE FROM jit.audit_log WHERE id = {entries}");
        var tail = await bot.VerifyAuditAsync();
        Assert.Equal(entries, tail.FirstBreak?.EntryId);
        Assert.Contains("newest entries are missing", tail.FirstBreak!.Problem, StringComparison.Ordinal);

        await bot.TamperAsync("DELETE FROM jit.audit_log WHERE id = 1");
        var head = await bot.VerifyAuditAsync();
        Assert.Equal(2, head.FirstBreak?.EntryId);
        Assert.Contains("first entry", head.FirstBreak!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FindsReorderedEntries()
    {
        await using var bot = await BotHost.StartAsync();
        await HistoryAsync(bot);
        await bot.TamperAsync("UPDATE jit.audit_log SET id = -3 WHERE id = 3; UPDATE jit.audit_log SET id = 3 WHERE id = 4; UPDATE jit.audit_log SET id = 4 WHERE id = -3");

        var result = await bot.VerifyAuditAsync();
        Assert.Equal(3, result.FirstBreak?.EntryId);
        Assert.Contains("reordered", result.FirstBreak!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateDeleteAndTruncate_ThroughTheBotsOwnConnection_AreRefusedByTheDatabase()
    {
        await using var bot = await BotHost.StartAsync();
        await HistoryAsync(bot);
        var dataSource = bot.Service<NpgsqlDataSource>();
        foreach (var sql in new[] { "UPDATE jit.audit_log SET actor = 'x'", "DELETE FROM jit.audit_log", "TRUNCATE jit.audit_log" })
        {
            await using var command = dataSource.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.True((await bot.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task ProductionRoles_TheBotRunsAsARoleThatCanOnlyAppend()
    {
        await using var owner = await BotHost.StartAsync();
        await owner.App.StopAsync();
        var role = $"jit_app_{owner.Suffix}";
        await owner.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        var migrate = await AuditTestExtensions.RunCommandLineAsync("migrate", "--app-role", role, $"--ConnectionStrings:Postgres={owner.ConnectionString}");
        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.Empty(migrate.Error);

        var appConnection = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Username = role }.ConnectionString;
        await using var bot = await BotHost.StartAsync(s => s["ConnectionStrings:Postgres"] = appConnection, shareDatabaseWith: owner);
        var id = await bot.ActiveRequestAsync();
        Assert.Contains("was revoked", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        Assert.True((await bot.VerifyAuditAsync()).Intact);

        await using var asApp = NpgsqlDataSource.Create(appConnection);
        foreach (var sql in new[] { "UPDATE jit.audit_log SET actor = 'x'", "DELETE FROM jit.audit_log", "TRUNCATE jit.audit_log", "ALTER TABLE jit.audit_log DISABLE TRIGGER audit_log_append_only" })
        {
            await using var command = asApp.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task ConcurrentAppendsAndABigBatch_StayOneLinearChain()
    {
        await using var bot = await BotHost.StartAsync();
        var audit = bot.Service<AuditLog>();
        var dataSource = bot.Service<NpgsqlDataSource>();
        var at = bot.Time.GetUtcNow();

        async Task AppendAsync(IReadOnlyList<AuditEntry> entries)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await audit.AppendManyAsync(connection, transaction, entries);
            await transaction.CommitAsync();
        }

        AuditEntry Entry(int i) => new("test.concurrent", null, $"writer-{i}", ChatPlatform.System, at, new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var batch = Enumerable.Range(0, 2_000).Select(Entry).ToList();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await AppendAsync([Entry(w * 100 + i), Entry(w * 100 + i + 50)]);
            }
        })).Append(AppendAsync(batch)).ToArray();
        await Task.WhenAll(writers);

        // A rolled-back append leaves no trace and no gap.
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await audit.AppendAsync(connection, transaction, Entry(-1));
            await transaction.RollbackAsync();
        }

        await AppendAsync([Entry(-2)]);
        var result = await bot.VerifyAuditAsync();
        Assert.True(result.Intact, result.Describe());
        Assert.Equal(2_000 + (8 * 20 * 2) + 1, result.EntriesChecked);
        Assert.Equal(result.EntriesChecked, await bot.ScalarAsync("SELECT max(id) FROM jit.audit_log"));
    }

    [Fact]
    public async Task AnOpenTransactionWithAnEntry_HoldsNoOtherWriterBack_AndItsEntryIsChainedAfterItsCommit()
    {
        await using var bot = await BotHost.StartAsync();
        var audit = bot.Service<AuditLog>();
        var dataSource = bot.Service<NpgsqlDataSource>();
        var at = bot.Time.GetUtcNow();

        // A change that has written its entry but not committed yet (its transaction is still open).
        await using var slow = await dataSource.OpenConnectionAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await audit.AppendAsync(slow, slowTransaction, new AuditEntry("test.slow", null, "slow", ChatPlatform.System, at));

        // Another change commits and its entry reaches the chain meanwhile: the open transaction holds no lock it needs.
        var id = await bot.RequestAccessAsync();
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'request.created'") == 1, "the other change's entry in the log");
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.audit_log WHERE event = 'test.slow'"));

        // Once committed, the slow entry is chained after it, with the next id.
        await slowTransaction.CommitAsync();
        Assert.Equal(2, await bot.ScalarAsync("SELECT id FROM jit.audit_log WHERE event = 'test.slow'"));
        var result = await bot.VerifyAuditAsync();
        Assert.True(result.Intact, result.Describe());
        Assert.Equal(2, result.EntriesChecked);
    }

    [Fact]
    public async Task EntriesWrittenBeforeTheChain_AreSealedByTheMigration_AndSqlAndCodeAgree()
    {
        var admin = await TestPostgres.AdminConnectionStringAsync();
        var name = $"chatops_legacy_{Environment.ProcessId}_{Guid.NewGuid():N}";
        await using (var server = NpgsqlDataSource.Create(admin))
        await using (var create = server.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var core = SchemaMigrator.Migrations.Single(m => m.Name == "0001_core");
        await using (var legacy = dataSource.CreateCommand(
            core.Sql + """
            ;
            CREATE TABLE public.jit_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO public.jit_schema_migrations (name) VALUES ('0001_core');
            INSERT INTO jit.audit_log (at, event, request_id, actor, platform, details) VALUES
              ('2026-01-02 03:04:05.678901+00', 'request.created', 1, 'alice', 'slack', '{"reason": "a \"quoted\", comma\nnewline\ttab \u0001 café ✓ 😀 <>&", "role": "prod-db-read", "duration": "2h"}'),
              ('2026-01-02 04:00:00+02', 'request.approved', 1, 'bob', 'slack', '{}'),
              ('2026-01-03 00:00:00+00', 'security.signature_failures', NULL, 'unknown', 'slack', '{"count": "7", "B": "upper", "a": "lower"}');
            DELETE FROM jit.audit_log WHERE id = 2;
            INSERT INTO jit.audit_log (at, event, request_id, actor, platform, details) VALUES ('2026-01-04 00:00:00+00', 'grant.succeeded', 1, 'system', 'system', '{"ends_at": "2026-01-04T02:00:00.0000000+00:00"}');
            """))
        {
            await legacy.ExecuteNonQueryAsync();
        }

        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var verifier = new AuditVerifier(new AuditLog(dataSource));
        var sealedResult = await verifier.VerifyAsync(CancellationToken.None);
        Assert.True(sealedResult.Intact, sealedResult.Describe());
        Assert.Equal(3, sealedResult.EntriesChecked);

        // The application continues the chain the migration started, after the legacy ids.
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await new AuditLog(dataSource).AppendAsync(connection, transaction, new AuditEntry("request.created", 2, "carol", SlackChat.Key, DateTimeOffset.UtcNow, new Dictionary<string, string> { ["reason"] = "a \"quoted\", comma\nnewline\ttab \u0001 café ✓ 😀 <>&" }));
            await transaction.CommitAsync();
        }

        // No bot runs here, so nothing seals in the background: seal as its sealer would.
        Assert.Equal(1, await new AuditLog(dataSource).SealPendingAsync(CancellationToken.None));

        var continued = await verifier.VerifyAsync(CancellationToken.None);
        Assert.True(continued.Intact, continued.Describe());
        Assert.Equal(5, continued.LastId);

        // And the SQL form of the canonical serialisation gives the application's hash for the application's entry.
        await using var same = dataSource.CreateCommand(
            "SELECT count(*) FROM jit.audit_log WHERE hash = jit.audit_hash(jit.audit_canonical(id, at, event, request_id, actor, platform, details, prev_hash))");
        Assert.Equal(4L, await same.ExecuteScalarAsync());
        NpgsqlConnection.ClearAllPools();
    }
}
