using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Jobs;

/// <summary>
/// A chat platform that is down never slows revocation, and costs one log line per failed chat job attempt. Runs alone:
/// Hangfire logs through one process-wide logger, so only while no other bot runs are all the lines read here this
/// bot's own.
/// </summary>
[Collection(nameof(ChatOutageTests))]
public sealed class ChatOutageTests
{
    [Fact]
    public async Task ChatUnreachable_DuringABurst_EveryGrantIsRevoked_AndEachFailedChatJobLogsOneLine()
    {
        const int count = 100;
        await using var bot = await BotHost.StartAsync(s =>
        {
            // Nothing listens on the discard port: every Slack call is refused.
            s["Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/";
            s["Revocation:BatchSize"] = "5";
        });
        var now = bot.Time.GetUtcNow();
        await GrantSeeder.SeedAsync(bot.ConnectionString, bot.Suffix, bot.GrantRole, count, now, now + TimeSpan.FromMinutes(1));

        bot.Time.Advance(TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(async () => await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE status = 'expired'") == count, "every grant to expire", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await GrantSeeder.MembersLeftAsync(bot.ConnectionString, bot.GrantRole));

        // Each batch told its requesters through one notification job; wait until every one of them has failed once.
        const string notificationJobs = "SELECT id FROM hangfire.job WHERE invocationdata::text LIKE '%NotificationJobs%RequestsChangedAsync%'";
        await Wait.UntilAsync(
            async () => await bot.ScalarAsync($"SELECT count(*) FROM ({notificationJobs}) j") >= count / 5
                && await bot.ScalarAsync($"SELECT count(*) FROM ({notificationJobs}) j WHERE NOT EXISTS (SELECT 1 FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Failed')") == 0,
            "every notification job to fail at least once", TimeSpan.FromSeconds(60));
        await bot.App.StopAsync();

        // Chat jobs ran in their own queue, never in the grant workers' one.
        var enqueued = $"SELECT count(*) FROM hangfire.state WHERE jobid IN ({notificationJobs}) AND name = 'Enqueued'";
        var onChatQueue = await bot.ScalarAsync($"{enqueued} AND data::text ~ '\"Queue\": ?\"chat\"'");
        Assert.True(onChatQueue > 0 && onChatQueue == await bot.ScalarAsync(enqueued), $"{onChatQueue} of the notification jobs' enqueued states name the chat queue");

        // One line per failed attempt, saying what failed, why and what happens next; no stack trace anywhere.
        var lines = bot.Logs.Lines;
        Assert.DoesNotContain(lines, line => line.Contains("   at ", StringComparison.Ordinal));
        var failures = await FailedAttemptsAsync(bot.ConnectionString, notificationJobs);
        var failureLines = lines.Where(line => line.Contains("Chat job NotificationJobs.RequestsChangedAsync", StringComparison.Ordinal)).ToList();
        foreach (var (job, attempts) in failures)
        {
            var ofJob = failureLines.Where(line => line.Contains($"(job {job}) failed: Slack conversations.open", StringComparison.Ordinal)).ToList();
            Assert.True(ofJob.Count == attempts, $"job {job} failed {attempts} time(s) and logged {ofJob.Count} line(s):\n{string.Join('\n', ofJob)}");
            Assert.All(ofJob, line => Assert.Matches(@"; retry \d+ of 10 at ", line));
        }

        Assert.Equal(failures.Values.Sum(), failureLines.Count);
        var others = lines.Except(failureLines).ToList();
        Assert.True(others.Count <= 3, $"Expected at most a few other lines (the circuit opening), got:\n{string.Join('\n', others)}");
    }

    /// <summary>How many times each job failed, from Hangfire's state history.</summary>
    private static async Task<Dictionary<long, int>> FailedAttemptsAsync(string connectionString, string jobs)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand($"SELECT jobid, count(*)::int FROM hangfire.state WHERE jobid IN ({jobs}) AND name = 'Failed' GROUP BY jobid");
        await using var reader = await command.ExecuteReaderAsync();
        var failures = new Dictionary<long, int>();
        while (await reader.ReadAsync())
        {
            failures[reader.GetInt64(0)] = reader.GetInt32(1);
        }

        return failures;
    }
}

[CollectionDefinition(nameof(ChatOutageTests), DisableParallelization = true)]
public sealed class ChatOutageTestsRunAlone;
