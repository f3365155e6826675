using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Jobs;
using Hangfire;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Jobs;

/// <summary>
/// The relay moves a whole batch of outbox rows into Hangfire in one transaction, through Hangfire's own job client:
/// every job must still reach Hangfire exactly as an enqueue through the client would leave it, and run once.
/// </summary>
public sealed class JobOutboxRelayTests
{
    [Fact]
    public async Task ManyJobsCommittedTogether_SpanSeveralRelayBatches_EachRunsOnce_OnItsQueue()
    {
        // More than one of the relay's batches, committed in one transaction; enough chat workers that running the jobs
        // is not what the test waits for on a loaded machine.
        const int count = JobOutbox.RelayBatch + 50;
        await using var bot = await BotHost.StartAsync(s => s["Hangfire:ChatWorkerCount"] = "8");
        var outbox = bot.Service<JobOutbox>();
        var batch = JobOutbox.Begin();
        var texts = Enumerable.Range(1, count).Select(i => $"relay test {i:D4}").ToList();
        foreach (var text in texts)
        {
            batch.Enqueue<NotificationJobs>(j => j.TellUserAsync(SlackChat.Key, "U0ALICE", "C0RELAY", text, CancellationToken.None));
        }

        await using (var dataSource = NpgsqlDataSource.Create(bot.ConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await outbox.SaveAsync(connection, transaction, batch, CancellationToken.None);
            await transaction.CommitAsync();
        }

        outbox.Wake();

        string[] Posted() => bot.Slack.CallsTo("chat.postEphemeral").Select(c => c.Text).Where(t => t.StartsWith("relay test ", StringComparison.Ordinal)).ToArray();
        await Wait.UntilAsync(() => Task.FromResult(Posted().Length >= count), $"{count} messages to be posted", TimeSpan.FromSeconds(120));
        const string relayJobs = "SELECT id FROM hangfire.job WHERE invocationdata::text LIKE '%TellUserAsync%'";
        await Wait.UntilAsync(
            async () => await bot.ScalarAsync($"SELECT count(*) FROM ({relayJobs}) j JOIN hangfire.job USING (id) WHERE statename = 'Succeeded'") == count,
            "every job to be Succeeded", TimeSpan.FromSeconds(30));

        // Each message once: no job was enqueued twice, none lost.
        Assert.Equal(texts, Posted().Order(StringComparer.Ordinal));
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.job_outbox"));
        Assert.Equal(count, await bot.ScalarAsync($"SELECT count(*) FROM ({relayJobs}) j"));

        // As Hangfire's client leaves them: one Enqueued state each, on the chat queue (chosen by the state election's
        // filters), and the client filters' parameters written.
        Assert.Equal(count, await bot.ScalarAsync($"SELECT count(*) FROM hangfire.state WHERE jobid IN ({relayJobs}) AND name = 'Enqueued' AND data->>'Queue' = '{ChatJobs.Queue}'"));
        Assert.Equal(count, await bot.ScalarAsync($"SELECT count(DISTINCT jobid) FROM hangfire.state WHERE jobid IN ({relayJobs}) AND name = 'Enqueued'"));
        Assert.Equal(count, await bot.ScalarAsync($"SELECT count(*) FROM hangfire.jobparameter WHERE jobid IN ({relayJobs}) AND name = 'CurrentCulture'"));
    }
}
