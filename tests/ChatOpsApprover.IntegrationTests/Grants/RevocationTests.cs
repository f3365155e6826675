using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Grants;

public sealed class RevocationTests
{
    private static async Task<long> ActiveRequestAsync(BotHost bot, string userId = "U0ALICE", string duration = "2h")
    {
        var id = await bot.RequestAccessAsync(userId, $"request prod-db-read {duration} incident work");
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        return id;
    }

    [Fact]
    public async Task Revoke_ByRequester_EndsAccessNow()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await ActiveRequestAsync(bot);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
        Assert.Contains("was revoked", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
        var request = await bot.RequestAsync(id);
        Assert.Equal(RequestStatus.Revoked, request.Status);
        Assert.Equal("alice", request.EndedBy);
        Assert.Contains("already ended", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_ByApproverOrAdmin_IsAllowed_ByAnyoneElse_Refused()
    {
        await using var bot = await BotHost.StartAsync();
        var first = await ActiveRequestAsync(bot);
        Assert.Contains("may not revoke", await bot.CommandAsync("U0CAROL", $"revoke {first}"), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Active, (await bot.RequestAsync(first)).Status);
        Assert.Contains("was revoked", await bot.CommandAsync("U0DAVE", $"revoke {first}"), StringComparison.Ordinal);

        var second = await ActiveRequestAsync(bot);
        Assert.Contains("was revoked", await bot.CommandAsync("U0ERIN", $"revoke {second}"), StringComparison.Ordinal);
        Assert.Contains("There is no request #999", await bot.CommandAsync("U0ALICE", "revoke 999"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_OfAPendingRequest_WithdrawsIt()
    {
        await using var bot = await BotHost.StartAsync();
        var id = await bot.RequestAccessAsync();
        Assert.Contains("withdrawn", await bot.CommandAsync("U0ALICE", $"revoke {id}"), StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Revoked, (await bot.RequestAsync(id)).Status);
        await bot.ClickApproveAsync("U0BOB", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("already decided", StringComparison.Ordinal)), "the late click's refusal");
        Assert.False(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task OverlappingGrants_TheFirstEndingDoesNotCutTheSecond()
    {
        await using var bot = await BotHost.StartAsync();
        var login = bot.LoginOf("alice");
        var shorter = await ActiveRequestAsync(bot, duration: "1h");
        var longer = await ActiveRequestAsync(bot, duration: "3h");

        bot.Time.Advance(TimeSpan.FromHours(1));
        await bot.WaitForStatusAsync(shorter, RequestStatus.Expired);
        Assert.True(await bot.HasRoleAsync(login), "the longer request still needs the membership");

        bot.Time.Advance(TimeSpan.FromHours(2));
        await bot.WaitForStatusAsync(longer, RequestStatus.Expired);
        Assert.False(await bot.HasRoleAsync(login));
    }

    [Fact]
    public async Task Revocation_SurvivesARestart()
    {
        var first = await BotHost.StartAsync();
        var id = await ActiveRequestAsync(first, duration: "30m");
        var login = first.LoginOf("alice");
        await first.App.StopAsync();

        first.Time.Advance(TimeSpan.FromMinutes(31));
        await using var second = await BotHost.StartAsync(shareDatabaseWith: first);
        await second.WaitForStatusAsync(id, RequestStatus.Expired);
        Assert.False(await second.HasRoleAsync(login));
        await first.DisposeAsync();
    }

    [Fact]
    public async Task AutoApprovedRole_IsGrantedWithoutAHuman()
    {
        await using var bot = await BotHost.StartAsync(s =>
        {
            s["Roles:prod-db-read:AutoApprove"] = "true";
        });
        var reply = await bot.CommandAsync("U0ALICE", "request prod-db-read 1h on call");
        Assert.Contains("needs no approval", reply, StringComparison.Ordinal);
        var id = long.Parse(System.Text.RegularExpressions.Regex.Match(reply, @"#(\d+)").Groups[1].Value);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        Assert.True(await bot.HasRoleAsync(bot.LoginOf("alice")));
    }

    [Fact]
    public async Task TwoRequiredApprovals_GrantOnlyAfterTheSecond()
    {
        await using var bot = await BotHost.StartAsync(s => s["Roles:prod-db-read:RequiredApprovals"] = "2");
        var id = await bot.RequestAccessAsync();
        await bot.ClickApproveAsync("U0BOB", id);
        await Wait.UntilAsync(() => bot.Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("more approvals are needed", StringComparison.Ordinal)), "the first approval's answer");
        Assert.Equal(RequestStatus.Pending, (await bot.RequestAsync(id)).Status);
        await bot.ClickApproveAsync("U0DAVE", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
    }
}
