using System.Text;
using System.Text.Json;
using ChatOpsApprover.StepUp;
using OtpNet;
using Totp = ChatOpsApprover.StepUp.Totp;

namespace ChatOpsApprover.Tests.StepUp;

public sealed class TotpTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010);

    public static TheoryData<long, string> Rfc6238Vectors()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "totp-rfc6238.json")));
        var data = new TheoryData<long, string>();
        foreach (var row in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(row.GetProperty("unix_time").GetInt64(), row.GetProperty("code").GetString()!);
        }

        return data;
    }

    private static byte[] RfcSecret => Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [MemberData(nameof(Rfc6238Vectors))]
    public void Compute_MatchesRfc6238AppendixB(long unixTime, string code) =>
        Assert.Equal(code, Totp.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds(unixTime), digits: 8));

    [Theory]
    [MemberData(nameof(Rfc6238Vectors))]
    public void Match_AcceptsTheRfcCode_AtItsOwnStep(long unixTime, string code) =>
        Assert.Equal(unixTime / 30, Totp.Match(RfcSecret, code, DateTimeOffset.FromUnixTimeSeconds(unixTime), digits: 8));

    [Fact]
    public void TheRfcSecret_InBase32_IsTheOneInTheTestData()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "totp-rfc6238.json")));
        Assert.Equal(json.RootElement.GetProperty("secret_base32").GetString(), Totp.ToBase32(RfcSecret));
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(0)]
    [InlineData(30)]
    public void DriftWindow_AcceptsOneStepEitherSide(int offsetSeconds)
    {
        var secret = Totp.NewSecret();
        var code = Totp.Compute(secret, Now.AddSeconds(offsetSeconds));
        Assert.Equal(CodeVerdict.Accepted, Totp.Check(secret, code, Now, lastUsedStep: null).Verdict);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(60)]
    [InlineData(-3600)]
    public void DriftWindow_RefusesCodesTwoOrMoreStepsAway(int offsetSeconds)
    {
        var secret = Totp.NewSecret();
        var code = Totp.Compute(secret, Now.AddSeconds(offsetSeconds));

        // A code two steps away may by chance equal the current one; that is the same code, not drift.
        var near = new[] { -30, 0, 30 }.Select(s => Totp.Compute(secret, Now.AddSeconds(s)));
        if (!near.Contains(code))
        {
            Assert.Equal(CodeVerdict.Wrong, Totp.Check(secret, code, Now, lastUsedStep: null).Verdict);
        }
    }

    [Fact]
    public void Replay_OfTheSameStep_IsRefused_AndSoIsAnEarlierStep()
    {
        var secret = Totp.NewSecret();
        var code = Totp.Compute(secret, Now);
        var first = Totp.Check(secret, code, Now, lastUsedStep: null);
        Assert.Equal(CodeVerdict.Accepted, first.Verdict);
        Assert.Equal(Now.ToUnixTimeSeconds() / 30, first.Step);

        Assert.Equal(CodeVerdict.Replayed, Totp.Check(secret, code, Now, first.Step).Verdict);
        Assert.Equal(CodeVerdict.Replayed, Totp.Check(secret, Totp.Compute(secret, Now.AddSeconds(-30)), Now, first.Step).Verdict);
        Assert.Equal(CodeVerdict.Accepted, Totp.Check(secret, Totp.Compute(secret, Now.AddSeconds(30)), Now.AddSeconds(30), first.Step).Verdict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("١٢٣٤٥٦")]
    public void MalformedCodes_AreNotGuesses(string? code) =>
        Assert.Equal(CodeVerdict.Malformed, Totp.Check(Totp.NewSecret(), code, Now, null).Verdict);

    [Fact]
    public void AWrongCode_IsWrong()
    {
        var secret = Totp.NewSecret();
        var right = new[] { -30, 0, 30 }.Select(s => Totp.Compute(secret, Now.AddSeconds(s))).ToHashSet();
        var wrong = Enumerable.Range(0, 10).Select(i => new string((char)('0' + i), 6)).First(c => !right.Contains(c));
        Assert.Equal(CodeVerdict.Wrong, Totp.Check(secret, wrong, Now, null).Verdict);
    }

    [Theory]
    [InlineData(4, 5, false)]
    [InlineData(5, 5, true)]
    [InlineData(6, 5, true)]
    [InlineData(1, 1, true)]
    public void Lockout_AfterMaxAttemptsWrongCodes(int wrongCodes, int maxAttempts, bool locked) =>
        Assert.Equal(locked, Totp.IsLockedAfter(wrongCodes, maxAttempts));

    [Fact]
    public void NewSecrets_Are160BitsAndDiffer()
    {
        var a = Totp.NewSecret();
        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, Totp.NewSecret());
    }

    [Fact]
    public void KeyUri_FollowsTheKeyUriFormat()
    {
        var uri = Totp.KeyUri("alice", RfcSecret);
        Assert.Equal("otpauth://totp/ChatOpsApprover:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ChatOpsApprover&algorithm=SHA1&digits=6&period=30", uri);
        Assert.Equal(RfcSecret, Base32Encoding.ToBytes("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    [Fact]
    public void LinkTokens_Are256BitsBase64Url_AndStoredAsAHash()
    {
        var token = LinkToken.New();
        Assert.True(LinkToken.IsWellFormed(token));
        Assert.Equal(32, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token).Length);
        Assert.NotEqual(token, LinkToken.New());
        Assert.Equal(32, LinkToken.Hash(token).Length);
        Assert.False(LinkToken.IsWellFormed(token + "A"));
        Assert.False(LinkToken.IsWellFormed(token[..^1] + "="));
        Assert.False(LinkToken.IsWellFormed(null));
    }
}
