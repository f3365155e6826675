using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Grants.Webhook;

/// <summary>The webhook target against a receiver on loopback that checks signatures and does each Idempotency-Key once.</summary>
public sealed class WebhookTargetTests
{
    /// <summary>A bot whose target "tool" posts to <paramref name="receiver"/>, or to <paramref name="url"/> in front of it.</summary>
    private static async Task<BotHost> StartAsync(FakeWebhookReceiver receiver, Uri? url = null) => await BotHost.StartAsync(s =>
    {
        s["Targets:tool:Type"] = "webhook";
        s["Targets:tool:Url"] = (url ?? receiver.Url).ToString();
        s["Targets:tool:Secret"] = FakeWebhookReceiver.Secret;
        s["Targets:tool:Timeout"] = "00:00:05";
        s.AddRole("tool-admin", target: "tool", grant: "admin", description: "Admin of the internal tool");
        s["People:alice:Logins:tool"] = "alice@example.com";
        s["Audit:SlackChannel"] = AuditTestExtensions.AuditChannel;
    });

    private static async Task<long> ApprovedAsync(BotHost bot, string duration = "1h")
    {
        var id = await bot.RequestAccessAsync(text: $"request tool-admin {duration} fix INC-1234");
        await bot.ClickApproveAsync("U0BOB", id);
        return id;
    }

    [Fact]
    public async Task Grant_AndEnd_ArePostedSigned_WithTheContractsFields()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();
        await using var bot = await StartAsync(receiver);
        var id = await ApprovedAsync(bot);
        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(receiver.IsGranted(id));

        var grant = Assert.Single(receiver.Deliveries, d => d.Action == "grant");
        Assert.True(grant.SignatureValid);
        Assert.Equal($"chatops-approver:{id}:grant", grant.IdempotencyKey);
        Assert.Equal("alice", grant.Body["person"]!.GetValue<string>());
        Assert.Equal("alice@example.com", grant.Body["login"]!.GetValue<string>());
        Assert.Equal("admin", grant.Body["grant"]!.GetValue<string>());
        Assert.Equal("tool-admin", grant.Body["role"]!.GetValue<string>());
        Assert.Equal("fix INC-1234", grant.Body["reason"]!.GetValue<string>());
        Assert.Equal(["bob"], grant.Body["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(active.GrantedAt!.Value.ToUnixTimeSeconds(), DateTimeOffset.Parse(grant.Body["startsAt"]!.GetValue<string>()).ToUnixTimeSeconds());
        Assert.Equal(active.EndsAt!.Value.ToUnixTimeSeconds(), DateTimeOffset.Parse(grant.Body["endsAt"]!.GetValue<string>()).ToUnixTimeSeconds());

        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        var revoke = Assert.Single(receiver.Deliveries, d => d.Action == "revoke");
        Assert.True(revoke.SignatureValid);
        Assert.Equal($"chatops-approver:{id}:revoke", revoke.IdempotencyKey);
        Assert.False(receiver.IsGranted(id));
    }

    [Fact]
    public async Task Grant_RefusedWith4xx_FailsAtOnce_AndTellsTheRequesterAndTheAuditChannel()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();
        receiver.FailNext("grant", 403);
        await using var bot = await StartAsync(receiver);
        var id = await ApprovedAsync(bot);
        var failed = await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        Assert.Contains("HTTP 403", failed.FailureReason, StringComparison.Ordinal);
        Assert.Single(receiver.Deliveries, d => d.Action == "grant");
        Assert.False(receiver.IsGranted(id));
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains($"#{id} for tool-admin could not be granted", StringComparison.Ordinal)), "the requester to be told");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == AuditTestExtensions.AuditChannel && c.Text.Contains("Grant failed", StringComparison.Ordinal)), "the audit channel to be told");
    }

    [Fact]
    public async Task TransientFailures_AreRetried_WithOneIdempotencyKey_AndTheReceiverActsOnce()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();

        // The receiver does the grant and then fails twice to say so: the bot retries, the receiver does nothing twice.
        receiver.FailNext("grant", 503, times: 2, actFirst: true);
        await using var bot = await StartAsync(receiver);
        var id = await ApprovedAsync(bot);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        var grants = receiver.Deliveries.Where(d => d.Action == "grant").ToList();
        Assert.Equal(3, grants.Count);
        Assert.Single(grants.Select(g => g.IdempotencyKey).Distinct());
        Assert.Equal(1, receiver.EffectsOf(id, "grant"));
    }

    [Fact]
    public async Task ReceiverUnreachable_GrantAndRevokeAreRetried_AndHappenOnceItIsBack()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();
        await using var proxy = new TcpProxy(receiver.Url.Port);
        await using var bot = await StartAsync(receiver, new UriBuilder(receiver.Url) { Port = proxy.Port }.Uri);

        // Connections refused: the grant job's attempt fails after the HTTP pipeline's own retries, and is retried.
        proxy.Down();
        var id = await ApprovedAsync(bot, "30m");
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT grant_attempts FROM jit.access_requests WHERE id = {id}") >= 1, "a failed grant attempt");
        Assert.Equal(RequestStatus.Approved, (await bot.RequestAsync(id)).Status);
        Assert.Empty(receiver.Deliveries);
        proxy.Up();
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(1, receiver.EffectsOf(id, "grant"));

        // The same at the end: the revoke fails and is counted, then is retried with back-off until it gets through.
        proxy.Down();
        Assert.Contains("did not answer", await bot.EndWithFailedRevokeAsync(id, TimeSpan.FromMinutes(30)), StringComparison.Ordinal);
        Assert.True(receiver.IsGranted(id));

        proxy.Up();
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(receiver.IsGranted(id));
        Assert.Equal(1, receiver.EffectsOf(id, "revoke"));
    }

    [Fact]
    public async Task Revoke_RefusedWith4xx_IsRetriedAnyway_AndAlerted()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();
        await using var bot = await StartAsync(receiver);
        var id = await ApprovedAsync(bot, "30m");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        receiver.FailNext("revoke", 400, times: 2);
        Assert.Contains("HTTP 400", await bot.EndWithFailedRevokeAsync(id, TimeSpan.FromMinutes(30)), StringComparison.Ordinal);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == AuditTestExtensions.AuditChannel && c.Text.Contains("Revocation failed", StringComparison.Ordinal)), "the audit channel to be alerted");

        // Retried with back-off until the receiver takes it.
        for (var i = 0; i < 4 && (await bot.RequestAsync(id)).Status == RequestStatus.Active; i++)
        {
            bot.Time.Advance(TimeSpan.FromSeconds(30));
            await Wait.UntilAsync(async () => (await bot.RequestAsync(id)).Status == RequestStatus.Expired || await bot.ScalarAsync($"SELECT revoke_attempts FROM jit.access_requests WHERE id = {id}") > i + 1, "the next attempt");
        }

        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(receiver.IsGranted(id));
        Assert.Equal(1, receiver.EffectsOf(id, "revoke"));
    }

    [Fact]
    public async Task Drift_IsFoundByCheck_ReportedOnce_AndEndedAccessIsRevokedAgain()
    {
        await using var receiver = await FakeWebhookReceiver.StartAsync();
        await using var bot = await StartAsync(receiver);
        var ended = await ApprovedAsync(bot, "30m");
        await bot.WaitForStatusAsync(ended, RequestStatus.Active);
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(ended, RequestStatus.Expired);
        var active = await ApprovedAsync(bot, "2h");
        await bot.WaitForStatusAsync(active, RequestStatus.Active);
        Assert.Equal(0, await bot.DriftNowAsync("tool"));

        // Behind the bot's back: the ended grant comes back, the active one goes.
        receiver.SetGranted(ended, true);
        receiver.SetGranted(active, false);
        Assert.Equal(2, await bot.DriftNowAsync("tool"));
        Assert.Equal(0, await bot.DriftNowAsync("tool"));
        Assert.Equal("lingering", await bot.ScalarTextAsync($"SELECT details->>'kind' FROM jit.audit_log WHERE request_id = {ended} AND event = 'access.drift'"));
        Assert.Equal("missing", await bot.ScalarTextAsync($"SELECT details->>'kind' FROM jit.audit_log WHERE request_id = {active} AND event = 'access.drift'"));

        // Revoked again, as a revocation of its own (a new Idempotency-Key), and cleaned up.
        await Wait.UntilAsync(() => !receiver.IsGranted(ended), "the lingering grant to be revoked again");
        Assert.Equal(2, receiver.Deliveries.Where(d => d.Action == "revoke" && d.RequestId == ended).Select(d => d.IdempotencyKey).Distinct().Count());
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {ended} AND event = 'access.leftover_revoked'") == 1, "the clean-up to be audited");
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == AuditTestExtensions.AuditChannel && c.Text.Contains("Drift at the target", StringComparison.Ordinal)), "the audit channel to be told");
        Assert.Equal(1, await bot.ScalarAsync("SELECT count(*) FROM jit.drift_findings WHERE target = 'tool'"));
    }
}
