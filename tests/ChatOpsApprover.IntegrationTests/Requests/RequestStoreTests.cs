using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.IntegrationTests.Requests;

/// <summary>The batch form of a status change: the lifecycle is asked for every request, and a stale read fails loudly.</summary>
public sealed class RequestStoreTests
{
    [Fact]
    public async Task MoveMany_ARowThatMovedUnderTheCaller_Throws_AndTheTransactionMovesNothing()
    {
        await using var bot = await BotHost.StartAsync();
        var first = await bot.RequestAccessAsync();
        var second = await bot.RequestAccessAsync(text: "request prod-db-read 1h second");
        var stillPending = await bot.RequestAsync(first);
        var readBeforeWithdrawal = await bot.RequestAsync(second);
        Assert.Contains("withdrawn", await bot.CommandAsync("U0ALICE", $"revoke {second}"), StringComparison.Ordinal);

        var store = bot.Service<RequestStore>();
        await using (var connection = await store.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MoveManyAsync(
                connection, transaction, [stillPending, readBeforeWithdrawal], RequestStatus.Denied, new StatusChange(EndedAt: bot.Time.GetUtcNow())));
            Assert.Contains($"Request {second} was not in status Pending", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain($"Request {first} ", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(first)).Status);
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(second)).Status);
    }

    [Fact]
    public async Task MoveMany_AMoveTheLifecycleForbids_ThrowsBeforeAnyRowIsWritten()
    {
        await using var bot = await BotHost.StartAsync();
        var first = await bot.RequestAccessAsync();
        var second = await bot.RequestAccessAsync(text: "request prod-db-read 1h second");
        await bot.CommandAsync("U0ALICE", $"revoke {second}");
        var pending = await bot.RequestAsync(first);
        var withdrawn = await bot.RequestAsync(second);

        var store = bot.Service<RequestStore>();
        await using (var connection = await store.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MoveManyAsync(
                connection, transaction, [pending, withdrawn], RequestStatus.Approved, new StatusChange()));
            Assert.Contains("cannot move from Revoked to Approved", error.Message, StringComparison.Ordinal);

            // Nothing was sent to the database: the transaction is still usable and the first request untouched in it.
            Assert.Equal(RequestStatus.Pending, (await store.FindAsync(connection, transaction, first, forUpdate: false))!.Status);
        }

        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(first)).Status);
    }
}
