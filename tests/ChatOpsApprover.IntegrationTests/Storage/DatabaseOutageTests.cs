using System.Net;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Storage;

/// <summary>With the database unreachable, Slack, Teams and the step-up pages get a message saying so, never a bare 500.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task WhileTheDatabaseIsDown_ASlashCommandIsToldSo_AndOtherEndpointsAnswer503_ThenWorkAgain()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
            s["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 15 }.ConnectionString);
        Assert.Contains("Request #", await bot.CommandAsync("U0ALICE", "request prod-db-read 1h fix INC-1"), StringComparison.Ordinal);
        proxy.Down();

        Assert.Equal(DatabaseOutageAnswer.SlashCommandText, await bot.CommandAsync("U0ALICE", "request prod-db-read 1h fix INC-2"));

        // Help needs no database, its replay claim included (README, "Replayed requests").
        Assert.Contains("jit help", await bot.CommandAsync("U0ALICE", "help"), StringComparison.Ordinal);

        using (var click = await bot.PostSignedAsync("/slack/interactions", BotHost.ClickBody("U0BOB", 1, approve: true)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, click.StatusCode);
            Assert.Equal(DatabaseOutageAnswer.Text, await click.Content.ReadAsStringAsync());
            Assert.NotNull(click.Headers.RetryAfter);
        }

        using (var page = await bot.Http.GetAsync("/stepup/this-is-not-a-real-token-but-long-enough-to-be-looked-up"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        }

        proxy.Up();
        Assert.Contains("Request #", await Wait.UntilAsync(async () =>
        {
            var reply = await bot.CommandAsync("U0ALICE", "request prod-db-read 1h fix INC-3");
            return reply == DatabaseOutageAnswer.SlashCommandText ? null : reply;
        }, "the bot to reach its database again"), StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE reason LIKE '%INC-2%'"));
    }

    [Fact]
    public async Task WhileTheDatabaseIsDown_ASocketModeCommandIsAcknowledgedWithTheSameWords_AndNothingIsStored()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 15 }.ConnectionString;
            s["Slack:AppToken"] = FakeSlackSocketMode.AppToken;
        });
        var socket = await bot.Slack.SocketMode.WaitForOpenAsync();
        proxy.Down();

        var envelopeId = bot.Slack.SocketMode.NextEnvelopeId();
        var ack = await socket.SendEnvelopeAsync(FakeSlackSocketMode.CommandEnvelope(envelopeId, "U0ALICE", "request prod-db-read 1h fix INC-5"));

        Assert.Equal(envelopeId, ack["envelope_id"]!.GetValue<string>());
        Assert.Equal("ephemeral", ack["payload"]!["response_type"]!.GetValue<string>());
        Assert.Equal(DatabaseOutageAnswer.SlashCommandText, ack["payload"]!["text"]!.GetValue<string>());

        proxy.Up();
        var again = await Wait.UntilAsync(async () =>
        {
            var answer = await socket.SendEnvelopeAsync(FakeSlackSocketMode.CommandEnvelope(bot.Slack.SocketMode.NextEnvelopeId(), "U0ALICE", "request prod-db-read 1h fix INC-6"));
            var text = answer["payload"]!["text"]!.GetValue<string>();
            return text == DatabaseOutageAnswer.SlashCommandText ? null : text;
        }, "the bot to reach its database again");
        Assert.Contains("Request #", again, StringComparison.Ordinal);
        Assert.Equal(0, await bot.ScalarAsync("SELECT count(*) FROM jit.access_requests WHERE reason LIKE '%INC-5%'"));
    }
}
