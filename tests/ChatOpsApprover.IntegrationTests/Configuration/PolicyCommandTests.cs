using System.Text.Json.Nodes;
using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Configuration;

/// <summary>"policy check" and "policy explain" run as processes: their exit codes and what they print.</summary>
public sealed class PolicyCommandTests : IDisposable
{
    private static readonly Dictionary<string, string> Development = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("policy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The example role: office hours in Berlin, one more approval outside them, on-call auto-approval, risk signals.</summary>
    private string Write(Action<JsonObject>? change = null)
    {
        var role = new JsonObject
        {
            ["Target"] = "prod-db",
            ["Grant"] = "prod_read",
            ["MaxDuration"] = "04:00:00",
            ["Approvers"] = new JsonArray("bob", "dave"),
            ["SlackChannel"] = "C0APPROVALS",
            ["Hours"] = new JsonObject { ["Days"] = new JsonArray("Mon", "Tue", "Wed", "Thu", "Fri"), ["From"] = "08:00", ["To"] = "18:00", ["TimeZone"] = "Europe/Berlin" },
            ["OutsideHours"] = "ExtraApproval",
            ["AutoApprove"] = new JsonObject { ["For"] = new JsonArray("group:oncall"), ["OnlyInHours"] = true, ["MaxDuration"] = "01:00:00" },
            ["Risk"] = new JsonObject { ["LongerThan"] = "02:00:00", ["FirstRequest"] = true, ["NewDevice"] = true, ["NewNetwork"] = true, ["Action"] = "ApproverStepUp" },
        };
        change?.Invoke(role);
        var settings = new JsonObject
        {
            ["People"] = new JsonObject
            {
                ["alice"] = new JsonObject { ["Slack"] = "U0ALICE", ["Logins"] = new JsonObject { ["prod-db"] = "alice" } },
                ["bob"] = new JsonObject { ["Slack"] = "U0BOB" },
                ["dave"] = new JsonObject { ["Slack"] = "U0DAVE" },
            },
            ["Groups"] = new JsonObject { ["oncall"] = new JsonArray("alice") },
            ["Targets"] = new JsonObject { ["prod-db"] = new JsonObject { ["Type"] = "postgres", ["ConnectionString"] = "Host=127.0.0.1" } },
            ["Roles"] = new JsonObject { ["prod-db-read"] = role },
        };
        var path = Path.Combine(_folder, $"settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, settings.ToJsonString());
        return path;
    }

    [Fact]
    public async Task Check_AValidFile_SummarisesEachRole_AndExits0()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "check", Write());
        Assert.True(exitCode == 0, error);
        Assert.Contains("prod-db-read: prod_read at prod-db, up to 4h", output, StringComparison.Ordinal);
        Assert.Contains("may request: anyone in People", output, StringComparison.Ordinal);
        Assert.Contains("approvers:   bob, dave", output, StringComparison.Ordinal);
        Assert.Contains("approvals:   1 by different people, 2 when a rule asks for one more", output, StringComparison.Ordinal);
        Assert.Contains("hours:       Mon–Fri 08:00–18:00 Europe/Berlin; outside them: one more approval", output, StringComparison.Ordinal);
        Assert.Contains("auto-approval: yes, for group:oncall, only in hours, up to 1h; otherwise the normal approval", output, StringComparison.Ordinal);
        Assert.Contains("risk:        longer than 2h, first request → approvers confirm with their second factor; new device, new network → granted, marked for review", output, StringComparison.Ordinal);
        Assert.Contains("step-up:     the requester confirms with their second factor", output, StringComparison.Ordinal);
        Assert.Contains("No problems found.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SaysWhenARoleTakesPasskeysOnly()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "check", Write(role => role["StepUpFactor"] = "Passkey"));
        Assert.True(exitCode == 0, error);
        Assert.Contains("step-up:     the requester confirms with their second factor (a passkey or security key only: StepUpFactor Passkey)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AFileWithProblems_NamesEveryKey_AndExits1()
    {
        var path = Write(role =>
        {
            role["Hours"]!["TimeZone"] = "Mars/Olympus";
            role["OutsideHours"] = "Sometimes";
            role["AutoApprove"] = "yes";
            role["RequiredApprovals"] = 0;
        });
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "check", path);
        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("Problem: Roles:prod-db-read:Hours:TimeZone: \"Mars/Olympus\" is not a time zone known here", error, StringComparison.Ordinal);
        Assert.Contains("Problem: Roles:prod-db-read:OutsideHours: \"Sometimes\" is not known", error, StringComparison.Ordinal);
        Assert.Contains("Problem: Roles:prod-db-read:AutoApprove: \"yes\" is neither true, false nor an object", error, StringComparison.Ordinal);
        Assert.Contains("Problem: Roles:prod-db-read:RequiredApprovals: must be 1 or more.", error, StringComparison.Ordinal);
        Assert.Contains("4 problem(s): the bot would not start with this configuration.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RunsTheStartUpValidationOfEveryFeature_NotOnlyRoles()
    {
        // Production's own requirements, checked at start-up, are problems here too.
        var (exitCode, _, error) = await ProgramRun.RunAsync(new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" }, "policy", "check", Write());
        Assert.Equal(1, exitCode);
        Assert.Contains("Problem: ConnectionStrings:Postgres: is required in the Production environment", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutAFile_ChecksTheConfigurationTheBotWouldUse()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "check");
        Assert.True(exitCode == 0, error);
        Assert.Contains("No problems found.", output, StringComparison.Ordinal);

        var (broken, _, problems) = await ProgramRun.RunAsync(Development, "policy", "check", "--Roles:prod-db-read:Hours:TimeZone=Nowhere/Land");
        Assert.Equal(1, broken);
        Assert.Contains("Roles:prod-db-read:Hours:", problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AMissingFile_Exits1_SayingSo()
    {
        var (exitCode, _, error) = await ProgramRun.RunAsync(Development, "policy", "check", Path.Combine(_folder, "nothing.json"));
        Assert.Equal(1, exitCode);
        Assert.Contains("there is no file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_AtNight_NamesTheRulesThatDecide()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "explain", "alice", "prod-db-read", "3h", "--at", "2026-12-01T03:00:00+01:00", "--file", Write());
        Assert.True(exitCode == 0, error);
        Assert.Contains("alice asks for prod-db-read for 3h at 2026-12-01 02:00 UTC:", output, StringComparison.Ordinal);
        Assert.Contains("Sent to approvers: 2 approval(s) by different people among bob, dave; each approver confirms with their second factor.", output, StringComparison.Ordinal);
        Assert.Contains("OutsideHours: requested Tue 2026-12-01 03:00 Europe/Berlin, outside Mon–Fri 08:00–18:00 Europe/Berlin → one more approval", output, StringComparison.Ordinal);
        Assert.Contains("Risk:LongerThan: 3h asked, more than 2h → approvers confirm with their second factor", output, StringComparison.Ordinal);
        Assert.Contains("AutoApprove: not applied: outside working hours; normal approval", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_InHours_ForOnCall_IsAutoApproved_AndARefusalSaysWhenToAskAgain()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(Development, "policy", "explain", "alice", "prod-db-read", "1h", "--at", "2026-12-01T10:00:00+01:00", "--file", Write());
        Assert.True(exitCode == 0, error);
        Assert.Contains("Auto-approved by policy: no approver is asked.", output, StringComparison.Ordinal);
        Assert.Contains("AutoApprove: alice is among group:oncall, inside Mon–Fri 08:00–18:00 Europe/Berlin, 1h ≤ 1h", output, StringComparison.Ordinal);

        var refusing = Write(role => role["OutsideHours"] = "Refuse");
        var (code, refused, _) = await ProgramRun.RunAsync(Development, "policy", "explain", "alice", "prod-db-read", "--at", "2026-12-05T12:00:00Z", "--file", refusing);
        Assert.Equal(0, code);
        Assert.Contains("Refused by rule OutsideHours:", refused, StringComparison.Ordinal);
        Assert.Contains("Ask again from Mon 2026-12-07 08:00 Europe/Berlin.", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_AnUnknownPerson_Exits1_AndABadDuration_Exits2()
    {
        var path = Write();
        var (exitCode, _, error) = await ProgramRun.RunAsync(Development, "policy", "explain", "mallory", "prod-db-read", "--file", path);
        Assert.Equal(1, exitCode);
        Assert.Contains("There is no person \"mallory\" under People.", error, StringComparison.Ordinal);

        var (usage, _, problem) = await ProgramRun.RunAsync(Development, "policy", "explain", "alice", "prod-db-read", "1x", "--file", path);
        Assert.Equal(2, usage);
        Assert.Contains("duration: \"1x\" is not a duration", problem, StringComparison.Ordinal);
    }
}
