using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Storage;

/// <summary>
/// The bot's main pool hands sessions back without resetting them (No Reset On Close), so nothing that uses it may leave
/// state in its session: a LISTEN, a session advisory lock, a SET, a temporary table would reach whoever takes the session next.
/// </summary>
public sealed class SessionResetTests
{
    [Fact]
    public async Task AfterAFullFlow_WithTheAuditChannel_EverySessionOfTheMainPool_IsLeftAsItStarted()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Audit:SlackChannel"] = "C0AUDIT";
            // The test databases turn pooling off; here the bot pools its sessions, as it does in production.
            s["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Pooling = true }.ConnectionString;
        });
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        await Wait.UntilAsync(
            async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_messages WHERE request_id = {id}") == 1,
            "the request's message in the audit channel");

        // The audit channel refuses the next entry: the publisher waits to retry, its LISTEN connection healthy, and
        // stopping then hands that connection back to its pool (a stop during its wait for a NOTIFY breaks it instead).
        bot.Slack.RefuseChannel("C0AUDIT");
        await bot.RequestAccessAsync("U0CAROL");
        await Wait.UntilAsync(
            () => Task.FromResult(bot.Logs.Lines.Any(l => l.Contains("Publishing to the audit channel failed", StringComparison.Ordinal))),
            "the audit publisher to fail and wait");
        await bot.App.StopAsync();

        // More sessions at once than the bot held, so every pooled session is among them.
        var dataSource = bot.Service<NpgsqlDataSource>();
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                connections.Add(await dataSource.OpenConnectionAsync());
            }

            foreach (var connection in connections)
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT (SELECT count(*) FROM pg_listening_channels())
                         + (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory')
                         + (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema())
                         + (SELECT count(*) FROM pg_settings WHERE source = 'session'),
                           (SELECT string_agg(name, ', ') FROM pg_settings WHERE source = 'session'),
                           (SELECT string_agg(c, ', ') FROM pg_listening_channels() c)
                    """, connection);
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                Assert.True(reader.GetInt64(0) == 0,
                    $"session {connection.ProcessID} kept state: settings [{(reader.IsDBNull(1) ? "" : reader.GetString(1))}], listening [{(reader.IsDBNull(2) ? "" : reader.GetString(2))}]");
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
