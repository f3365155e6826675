using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Chat.Slack;

/// <summary>
/// Socket Mode: with Slack:AppToken the bot opens a WebSocket from apps.connections.open and gets commands and clicks
/// as envelopes, each acknowledged with its envelope_id and the answer HTTP would have given; dropped or replaced
/// connections are opened again; an envelope runs once across instances. The HTTP endpoints keep working.
/// </summary>
public sealed partial class SlackSocketModeTests
{
    [Fact]
    public async Task CommandCardClickGrant_OverSocketMode_WithADroppedConnectionInTheMiddle()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:AppToken"] = FakeSlackSocketMode.AppToken);
        var socketMode = bot.Slack.SocketMode;
        var first = await socketMode.WaitForOpenAsync();
        Assert.All(bot.Slack.CallsTo("apps.connections.open"), call => Assert.Equal("Bearer " + FakeSlackSocketMode.AppToken, call.Authorization));

        var ack = await first.SendEnvelopeAsync(FakeSlackSocketMode.CommandEnvelope(socketMode.NextEnvelopeId(), "U0ALICE", "request prod-db-read 2h fix INC-1234"));
        var reply = ack["payload"]!["text"]!.GetValue<string>();
        Assert.Equal("ephemeral", ack["payload"]!["response_type"]!.GetValue<string>());
        var id = long.Parse(RequestId().Match(reply).Groups[1].Value, CultureInfo.InvariantCulture);
        await Wait.UntilAsync(
            () => Task.FromResult(bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == BotHost.ApprovalChannel && c.Json.Contains($"jit_decision_{id}", StringComparison.Ordinal))),
            "the approval card to be posted");

        first.Drop();
        var second = await socketMode.WaitForOpenAsync();
        Assert.NotSame(first, second);
        Assert.Equal(2, socketMode.AddressesHandedOut);

        var click = JsonNode.Parse(Uri.UnescapeDataString(BotHost.ClickBody("U0BOB", id, approve: true)["payload=".Length..]))!.AsObject();
        var clickAck = await second.SendEnvelopeAsync(FakeSlackSocketMode.InteractiveEnvelope(socketMode.NextEnvelopeId(), click));
        Assert.Null(clickAck["payload"]);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));

        // The HTTP endpoint is still there beside the socket.
        Assert.Contains($"#{id}", await bot.CommandAsync("U0ALICE", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModalSubmission_IsAnsweredInTheAcknowledgement()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:AppToken"] = FakeSlackSocketMode.AppToken);
        var socket = await bot.Slack.SocketMode.WaitForOpenAsync();
        var id = await bot.RequestAccessAsync();

        // Deny without a reason: the modal must stay open with an error on the reason field, as over HTTP.
        using (var click = await bot.PostSignedAsync("/slack/interactions", BotHost.ClickBody("U0BOB", id, approve: false, triggerId: "deny-socket.1.2")))
        {
            Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        }

        var view = bot.Slack.CallsTo("views.open").Single(c => c.Body["trigger_id"]?.GetValue<string>() == "deny-socket.1.2").Body["view"]!.AsObject();
        var submission = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "U0BOB", ["username"] = "u0bob", ["team_id"] = "T0TEAM" },
            ["api_app_id"] = "A0APP",
            ["trigger_id"] = "socket.9.9",
            ["view"] = new JsonObject
            {
                ["id"] = "V0MODAL",
                ["type"] = "modal",
                ["callback_id"] = view["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
                ["state"] = new JsonObject { ["values"] = new JsonObject { ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } } } },
            },
        };

        var ack = await socket.SendEnvelopeAsync(FakeSlackSocketMode.InteractiveEnvelope(bot.Slack.SocketMode.NextEnvelopeId(), submission));
        Assert.Equal("errors", ack["payload"]!["response_action"]!.GetValue<string>());
        Assert.NotNull(ack["payload"]!["errors"]!["reason"]);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task SlackAsksForANewConnection_TheNewOneOpensBeforeTheOldOneCloses()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:AppToken"] = FakeSlackSocketMode.AppToken);
        var socketMode = bot.Slack.SocketMode;
        var first = await socketMode.WaitForOpenAsync();

        await first.AskToReconnectAsync();
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, socketMode.AddressesHandedOut);
        var second = Assert.Single(socketMode.Connections, c => c.IsOpen);
        Assert.NotSame(first, second);

        var ack = await second.SendEnvelopeAsync(FakeSlackSocketMode.CommandEnvelope(socketMode.NextEnvelopeId(), "U0ALICE", "help"));
        Assert.Contains("jit request prod-db-read 2h", ack["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnvelopeDeliveredTwice_ToTwoInstances_RunsOnce()
    {
        static void SocketMode(Dictionary<string, string?> s) => s["Slack:AppToken"] = FakeSlackSocketMode.AppToken;
        await using var one = await BotHost.StartAsync(SocketMode);
        await using var two = await BotHost.StartAsync(SocketMode, shareDatabaseWith: one);
        await one.Slack.SocketMode.WaitForOpenAsync(count: 2);
        var connections = one.Slack.SocketMode.Connections.Where(c => c.IsOpen).ToArray();

        var envelopeId = one.Slack.SocketMode.NextEnvelopeId();
        var acks = await Task.WhenAll(connections.Select(c => c.SendEnvelopeAsync(FakeSlackSocketMode.CommandEnvelope(envelopeId, "U0ALICE", "request prod-db-read 1h fix INC-77"))));

        Assert.All(acks, ack => Assert.Equal(envelopeId, ack["envelope_id"]!.GetValue<string>()));
        Assert.Single(acks, ack => ack["payload"] is not null);
        await using var dataSource = NpgsqlDataSource.Create(one.ConnectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM jit.access_requests WHERE reason LIKE '%INC-77%'");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AnAppTokenSlackRefuses_TurnsSocketModeOff_AndSaysWhyOnce()
    {
        await using var bot = await BotHost.StartAsync(s => s["Slack:AppToken"] = "xapp-1-A0APP-1-revoked");
        await Wait.UntilAsync(() => Task.FromResult(bot.Logs.All.Contains("Slack refused Slack:AppToken (invalid_auth)", StringComparison.Ordinal)), "the refusal to be logged");

        Assert.Empty(bot.Slack.SocketMode.Connections);
        Assert.Single(bot.Slack.CallsTo("apps.connections.open"));
        Assert.DoesNotContain("xapp-1-A0APP-1-revoked", bot.Logs.All, StringComparison.Ordinal);
        Assert.Contains("jit request prod-db-read 2h", await bot.CommandAsync("U0ALICE", "help"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Request #(\d+)")]
    private static partial Regex RequestId();
}
