using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Audit;

/// <summary>"/jit audit [person|role] [since]": approvers and admins get a readable summary in chat.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_ForAnApprover_CountsByTypeAndListsTheLatest()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.ActiveRequestAsync();
        await bot.RequestAccessAsync("U0CAROL", "request prod-db-read 1h carol's turn");

        // Entries reach the log a moment after their commit (the outbox's sealer): read once they are all there.
        await bot.AuditSealedAsync();
        var reply = await bot.CommandAsync("U0BOB", "audit");
        Assert.Contains("Audit log for everything since", reply, StringComparison.Ordinal);
        Assert.Contains("4 event(s)", reply, StringComparison.Ordinal);
        Assert.Contains("By type: request.created 2 · grant.succeeded 1 · request.approved 1", reply, StringComparison.Ordinal);
        Assert.Contains($"Approved by bob (approvals: 1 · required: 1) — request #{id}", reply, StringComparison.Ordinal);
        Assert.True(reply.IndexOf("Requested by carol", StringComparison.Ordinal) < reply.IndexOf("Requested by alice", StringComparison.Ordinal), "newest first");
    }

    [Fact]
    public async Task Audit_FiltersByPersonRoleAndDay()
    {
        await using var bot = await BotHost.StartAsync();
        var first = await bot.ActiveRequestAsync();
        bot.Time.Advance(TimeSpan.FromDays(3));
        await bot.WaitForStatusAsync(first, RequestStatus.Expired);
        await bot.RequestAccessAsync("U0CAROL", "request prod-db-read 1h later");

        // Entries reach the log a moment after their commit (the outbox's sealer): read once they are all there.
        await bot.AuditSealedAsync();
        var yesterday = bot.Time.GetUtcNow().AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var alice = await bot.CommandAsync("U0DAVE", "audit alice");
        Assert.Contains("person alice", alice, StringComparison.Ordinal);
        Assert.Contains("4 event(s)", alice, StringComparison.Ordinal);
        Assert.DoesNotContain("carol", alice, StringComparison.Ordinal);

        var bob = await bot.CommandAsync("U0DAVE", "audit bob");
        Assert.Contains("1 event(s)", bob, StringComparison.Ordinal);
        Assert.Contains("Approved by bob", bob, StringComparison.Ordinal);

        var role = await bot.CommandAsync("U0ERIN", "audit prod-db-read");
        Assert.Contains("role prod-db-read", role, StringComparison.Ordinal);
        Assert.Contains("5 event(s)", role, StringComparison.Ordinal);

        var recent = await bot.CommandAsync("U0BOB", $"audit prod-db-read {yesterday}");
        Assert.Contains("2 event(s)", recent, StringComparison.Ordinal);
        Assert.Contains("Requested by carol", recent, StringComparison.Ordinal);
        Assert.Contains("Access expired by system", recent, StringComparison.Ordinal);
        Assert.DoesNotContain("Approved by bob", recent, StringComparison.Ordinal);

        Assert.Contains("no events", await bot.CommandAsync("U0BOB", "audit dave"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("U0ALICE", "audit", "Only approvers and admins")]
    [InlineData("U0CAROL", "audit alice", "Only approvers and admins")]
    [InlineData("U0BOB", "audit mallory", "neither a person nor a role")]
    [InlineData("U0BOB", "audit 2999-01-01", "is in the future")]
    [InlineData("U0BOB", "audit alice bob", "jit audit [person|role]")]
    [InlineData("U0NOBODY", "audit", "not registered")]
    public async Task Audit_Refusals_AndBadInput_SayWhy(string user, string text, string expected)
    {
        await using var bot = await BotHost.StartAsync();
        await bot.RequestAccessAsync();
        var reply = await bot.CommandAsync(user, text);
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.DoesNotContain("Requested by", reply, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(1)).Status);
    }
}
