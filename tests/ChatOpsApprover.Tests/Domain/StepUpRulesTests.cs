using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Tests.Domain;

public sealed class StepUpRulesTests
{
    private static RoleDefinition Role(StepUpPolicy policy, bool autoApprove = false, bool blockRisky = false) =>
        new("prod-db-read", "read", "prod-db", "prod_read", TimeSpan.FromHours(4), ["bob"], 1, autoApprove, new Dictionary<ChatPlatform, string> { [SlackChat.Key] = "C1" }) { StepUp = policy, BlockRiskyStepUp = blockRisky };

    private static AccessRequest Approved(params StepUpConfirmation[] stepUps) => new(
        1, "alice", "prod-db-read", "prod-db", "prod_read", "alice", TimeSpan.FromHours(1), "why", RequestStatus.Approved, SlackChat.Key,
        DateTimeOffset.UnixEpoch, [], null, null, null, null, null)
    {
        StepUps = stepUps,
    };

    private static StepUpConfirmation Requester(StepUpState state) => new("alice", StepUpPurpose.Requester, state, DateTimeOffset.UnixEpoch, StepUpRisk.None);

    [Theory]
    [InlineData(StepUpPolicy.None, false, false)]
    [InlineData(StepUpPolicy.Requester, true, false)]
    [InlineData(StepUpPolicy.Approver, false, true)]
    [InlineData(StepUpPolicy.Both, true, true)]
    public void Policy_SaysWhoConfirms(StepUpPolicy policy, bool requester, bool approver)
    {
        Assert.Equal(requester, StepUpRules.RequesterMustConfirm(Role(policy)));
        Assert.Equal(approver, StepUpRules.ApproverMustConfirm(Role(policy)));
    }

    [Fact]
    public void AutoApprovedRoles_HaveNoApproverToConfirm_ButTheRequesterStillDoes()
    {
        Assert.False(StepUpRules.ApproverMustConfirm(Role(StepUpPolicy.Both, autoApprove: true)));
        Assert.True(StepUpRules.RequesterMustConfirm(Role(StepUpPolicy.Both, autoApprove: true)));
    }

    [Fact]
    public void TheDefault_IsRequesterStepUp() =>
        Assert.Equal(StepUpPolicy.Requester, new RoleOptions().StepUp);

    [Fact]
    public void ReadyToGrant_OnlyWithAVerifiedRequesterConfirmation_WhenTheRoleAsksForIt()
    {
        var role = Role(StepUpPolicy.Requester);
        Assert.False(StepUpRules.ReadyToGrant(Approved(), role));
        Assert.False(StepUpRules.ReadyToGrant(Approved(Requester(StepUpState.Waiting)), role));
        Assert.False(StepUpRules.ReadyToGrant(Approved(Requester(StepUpState.Refused)), role));
        Assert.True(StepUpRules.ReadyToGrant(Approved(Requester(StepUpState.Verified)), role));
        Assert.True(StepUpRules.ReadyToGrant(Approved(), Role(StepUpPolicy.None)));

        // A waiting confirmation holds the grant even if the role's setting changed since; an unknown role never grants.
        Assert.False(StepUpRules.ReadyToGrant(Approved(Requester(StepUpState.Waiting)), Role(StepUpPolicy.None)));
        Assert.False(StepUpRules.ReadyToGrant(Approved(Requester(StepUpState.Verified)), null));
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, false)]
    [InlineData(true, true, false, true)]
    [InlineData(true, false, true, true)]
    [InlineData(false, true, true, false)]
    public void RiskyStepUps_AreRefusedOnlyWhereTheRoleBlocksThem(bool block, bool newDevice, bool newNetwork, bool refused) =>
        Assert.Equal(refused, StepUpRules.Refuses(Role(StepUpPolicy.Requester, blockRisky: block), new StepUpRisk(newDevice, newNetwork)));

    [Fact]
    public void Risk_DescribesWhatWasNew()
    {
        Assert.Equal("new device, new network", new StepUpRisk(true, true).Describe());
        Assert.Equal("new network", new StepUpRisk(false, true).Describe());
        Assert.Equal(string.Empty, StepUpRisk.None.Describe());
    }

    [Theory]
    [InlineData("https://jit.example.com", null)]
    [InlineData("", null)]
    [InlineData("jit.example.com", "StepUp:PublicBaseUrl")]
    [InlineData("ftp://jit.example.com", "StepUp:PublicBaseUrl")]
    [InlineData("https://jit.example.com/?x=1", "StepUp:PublicBaseUrl")]
    public void Options_NameTheKeyThatIsWrong(string baseUrl, string? key)
    {
        var errors = new StepUpOptions { PublicBaseUrl = baseUrl }.Validate();
        if (key is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.StartsWith(key + ":", Assert.Single(errors), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_CheckLifetimesAttemptsAndProxies()
    {
        var errors = new StepUpOptions { LinkLifetime = TimeSpan.FromHours(2), EnrollmentLinkLifetime = TimeSpan.Zero, MaxAttempts = 0, TrustedProxies = ["10.0.0.1", "proxy"] }.Validate();
        Assert.Contains(errors, e => e.StartsWith("StepUp:LinkLifetime:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StepUp:EnrollmentLinkLifetime:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StepUp:MaxAttempts:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StepUp:TrustedProxies:1:", StringComparison.Ordinal));
        Assert.Equal(4, errors.Count);
    }

    [Theory]
    [InlineData(null, EnrollmentApproval.None, true)]
    [InlineData("None", EnrollmentApproval.None, true)]
    [InlineData("admin", EnrollmentApproval.Admin, true)]
    [InlineData("Admins", EnrollmentApproval.None, false)]
    [InlineData("1", EnrollmentApproval.None, false)]
    public void EnrollmentApproval_IsNoneOrAdmin_AnythingElseNamesTheKey(string? value, EnrollmentApproval parsed, bool valid)
    {
        var options = new StepUpOptions { EnrollmentApproval = value };
        var errors = options.Validate();
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.StartsWith("StepUp:EnrollmentApproval:", e, StringComparison.Ordinal));
        Assert.Equal(parsed, options.Approval);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", true)]
    [InlineData("c2hvcnQ=", false)]
    [InlineData("not base64!", false)]
    public void KeyEncryptionKey_MustBe32BytesOfBase64(string key, bool valid) =>
        Assert.Equal(valid, new KeyRingOptions { KeyEncryptionKey = key }.Validate().Count == 0);

    [Fact]
    public void AnUnknownStepUpValue_IsAConfigurationError()
    {
        var settings = Registered.ExampleSettings();
        settings["Roles:prod-db-read:StepUp"] = "7";
        var options = Registered.Access(settings);
        Assert.Contains("Roles:prod-db-read:StepUp: use None, Requester, Approver or Both.", options.Validate(Registered.Defaults));
    }

    [Fact]
    public void AnUnknownStepUpFactor_IsAConfigurationError_AndPasskeyIsRead()
    {
        var settings = Registered.ExampleSettings();
        settings["Roles:prod-db-read:StepUpFactor"] = "7";
        Assert.Contains("Roles:prod-db-read:StepUpFactor: use Any (the default: a passkey or a code) or Passkey (a passkey or security key only).",
            Registered.Access(settings).Validate(Registered.Defaults));

        settings["Roles:prod-db-read:StepUpFactor"] = "passkey";
        var passkeyOnly = Registered.Access(settings);
        Assert.DoesNotContain(passkeyOnly.Validate(Registered.Defaults), e => e.Contains("StepUpFactor", StringComparison.Ordinal));
        Assert.Equal(StepUpFactor.Passkey, passkeyOnly.Roles["prod-db-read"].StepUpFactor);
    }
}

public sealed class ConfirmCommandTests
{
    [Theory]
    [InlineData("confirm 42", 42)]
    [InlineData("confirm #7", 7)]
    public void Confirm_WithARequestId_IsParsed(string text, long id) =>
        Assert.Equal(id, Assert.IsType<JitCommand.Confirm>(JitCommandParser.Parse(text)).RequestId);

    [Theory]
    [InlineData("confirm")]
    [InlineData("confirm x")]
    [InlineData("confirm 1 2")]
    public void Confirm_WithoutAnId_SaysHowToWriteIt(string text) =>
        Assert.Contains("jit confirm <id>", Assert.IsType<JitCommand.Invalid>(JitCommandParser.Parse(text)).Message, StringComparison.Ordinal);
}
