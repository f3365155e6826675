using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Audit;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Grants.Kubernetes;

/// <summary>The Kubernetes target through the real KubernetesClient, against a local API server speaking the REST wire format.</summary>
public sealed class KubernetesTargetTests
{
    private static async Task<BotHost> StartAsync(FakeKubernetesServer cluster, string? ns = "payments", string login = "alice@example.com") => await BotHost.StartAsync(s =>
    {
        s["Targets:k8s:Type"] = "kubernetes";
        s["Targets:k8s:Kubeconfig"] = cluster.KubeconfigPath;
        s["Targets:k8s:Context"] = "fake";
        s.AddRole("k8s-view", target: "k8s", grant: "view", description: "Read the payments namespace");
        s["Roles:k8s-view:Namespace"] = ns;
        s["People:alice:Logins:k8s"] = login;
        s["Audit:SlackChannel"] = AuditTestExtensions.AuditChannel;
    });

    private static async Task<long> ApprovedAsync(BotHost bot, string duration = "1h")
    {
        var id = await bot.RequestAccessAsync(text: $"request k8s-view {duration} look at payments");
        await bot.ClickApproveAsync("U0BOB", id);
        return id;
    }

    [Fact]
    public async Task Grant_CreatesALabelledRoleBinding_NamedAfterTheRequest_AndTheEndDeletesIt()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        await using var bot = await StartAsync(cluster);
        var id = await ApprovedAsync(bot);
        var active = await bot.WaitForStatusAsync(id, RequestStatus.Active);

        var binding = cluster.Binding("payments", $"chatops-approver-{id}");
        Assert.NotNull(binding);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), binding["metadata"]!["labels"]!["chatops-approver/request-id"]!.GetValue<string>());
        Assert.Equal(active.EndsAt!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), binding["metadata"]!["labels"]!["chatops-approver/ends-at"]!.GetValue<string>());
        Assert.Equal("view", binding["roleRef"]!["name"]!.GetValue<string>());
        Assert.Equal("ClusterRole", binding["roleRef"]!["kind"]!.GetValue<string>());
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal("User", subject["kind"]!.GetValue<string>());
        Assert.Equal("alice@example.com", subject["name"]!.GetValue<string>());
        Assert.Equal($"payments/chatops-approver-{id}", active.GrantReceipt);

        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.Null(cluster.Binding("payments", $"chatops-approver-{id}"));
    }

    [Fact]
    public async Task WithoutANamespace_AGroupGetsAClusterRoleBinding_AndABindingAlreadyGoneIsRevoked()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        await using var bot = await StartAsync(cluster, ns: null, login: "group:oncall");
        var id = await ApprovedAsync(bot);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        var binding = cluster.Binding(null, $"chatops-approver-{id}");
        Assert.NotNull(binding);
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal("Group", subject["kind"]!.GetValue<string>());
        Assert.Equal("oncall", subject["name"]!.GetValue<string>());

        // Someone deleted it already: a binding that is not there (404) is revoked.
        cluster.Remove(null, $"chatops-approver-{id}");
        Assert.Contains("was revoked", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(id)).Status);
        Assert.Contains(cluster.Calls, c => c.StartsWith($"GET clusterrolebindings - chatops-approver-{id}", StringComparison.Ordinal));
        Assert.Equal("revoked at target", await bot.ScalarTextAsync($"SELECT details->>'membership' FROM jit.audit_log WHERE request_id = {id} AND event = 'access.revoked'"));
    }

    [Fact]
    public async Task ACreateWhoseReplyWasLost_IsFoundOurs_OnTheRetrysConflict()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        cluster.LoseNextCreateReply();
        await using var bot = await StartAsync(cluster);
        var id = await ApprovedAsync(bot);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.Equal(2, cluster.Calls.Count(c => c.StartsWith("POST rolebindings payments", StringComparison.Ordinal)));
        Assert.Contains(cluster.Calls, c => c.StartsWith($"GET rolebindings payments chatops-approver-{id}", StringComparison.Ordinal));
        Assert.Single(cluster.Bindings);
    }

    [Fact]
    public async Task ABindingOfTheSameNameThatIsNotOurs_FailsTheGrant_AndIsLeftAlone()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        await using var bot = await StartAsync(cluster);
        var next = await bot.ScalarAsync("SELECT coalesce(max(id), 0) + 1 FROM jit.access_requests");
        cluster.Put("payments", $"chatops-approver-{next}", "cluster-admin", "mallory", requestId: null);
        var id = await ApprovedAsync(bot);
        Assert.Equal(next, id);
        var failed = await bot.WaitForStatusAsync(id, RequestStatus.Failed);
        Assert.Contains("is not this request's grant", failed.FailureReason, StringComparison.Ordinal);

        // The failed grant's clean-up runs, and leaves the binding it did not make alone.
        await Wait.UntilAsync(async () => (await bot.RequestAsync(id)).CleanupDueAt is null, "the clean-up to be done");
        Assert.StartsWith("kept: the binding payments/", await bot.ScalarTextAsync($"SELECT details->>'membership' FROM jit.audit_log WHERE request_id = {id} AND event = 'access.leftover_revoked'"), StringComparison.Ordinal);
        Assert.Equal("cluster-admin", cluster.Binding("payments", $"chatops-approver-{id}")!["roleRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABindingReplacedBetweenTheReadAndTheDelete_IsLeftAlone()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        await using var bot = await StartAsync(cluster);
        var id = await ApprovedAsync(bot, "30m");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);

        // Just as the bot deletes, someone has replaced its binding with one of their own of the same name.
        var name = $"chatops-approver-{id}";
        cluster.BeforeNextDelete(() =>
        {
            cluster.Remove("payments", name);
            cluster.Put("payments", name, "edit", "carol@example.com", requestId: null);
        });
        Assert.Contains("HTTP 409 Conflict", await bot.EndWithFailedRevokeAsync(id, TimeSpan.FromMinutes(30)), StringComparison.Ordinal);

        // The retry reads it again: not this request's, so it is not the bot's to delete.
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.Equal("edit", cluster.Binding("payments", name)!["roleRef"]!["name"]!.GetValue<string>());
        Assert.StartsWith("kept: the binding payments/", await bot.ScalarTextAsync($"SELECT details->>'membership' FROM jit.audit_log WHERE request_id = {id} AND event = 'access.expired'"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_LingeringBindingsAreDeletedAgain_UnknownOnesReportedOnceAndLeftAlone()
    {
        await using var cluster = await FakeKubernetesServer.StartAsync();
        await using var bot = await StartAsync(cluster);
        var id = await ApprovedAsync(bot, "30m");
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        bot.Time.Advance(TimeSpan.FromMinutes(30));
        await bot.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.Equal(0, await bot.DriftNowAsync("k8s"));

        // Behind the bot's back: the ended binding is back, and a labelled binding names a request that never existed.
        cluster.Put("payments", $"chatops-approver-{id}", "view", "alice@example.com", id);
        cluster.Put("payments", "chatops-approver-99999", "edit", "mallory", 99999);
        Assert.Equal(2, await bot.DriftNowAsync("k8s"));
        await Wait.UntilAsync(() => cluster.Binding("payments", $"chatops-approver-{id}") is null, "the lingering binding to be deleted again");
        await Wait.UntilAsync(async () => await bot.ScalarAsync($"SELECT count(*) FROM jit.audit_log WHERE request_id = {id} AND event = 'access.leftover_revoked'") == 1, "the clean-up to be audited");
        Assert.Equal(0, await bot.DriftNowAsync("k8s"));
        Assert.NotNull(cluster.Binding("payments", "chatops-approver-99999"));
        Assert.Equal("unknown", await bot.ScalarTextAsync("SELECT details->>'kind' FROM jit.audit_log WHERE event = 'access.drift' AND request_id IS NULL"));
        Assert.Equal("lingering", await bot.ScalarTextAsync($"SELECT details->>'kind' FROM jit.audit_log WHERE event = 'access.drift' AND request_id = {id}"));
    }
}
