using ChatOpsApprover.Sandbox;

namespace ChatOpsApprover.Tests.Sandbox;

public sealed class MrkdwnTests
{
    private static string Show(string mrkdwn) => Mrkdwn.ToHtml(mrkdwn, id => id == "U0ALICE" ? "alice" : null);

    [Fact]
    public void EscapedUserText_IsShownAsText_NeverAsMarkup()
    {
        // What the bot sends for a reason "<!channel> & <b>x</b> <https://evil.example|docs>": every < > & escaped.
        var html = Show("&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; &lt;https://evil.example|docs&gt;");

        Assert.Equal("&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; &lt;https://evil.example|docs&gt;", html);
        Assert.DoesNotContain("broadcast", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Mentions_ShowThePersonsName_OrTheIdWhenUnknown()
    {
        Assert.Equal("<span class=\"mention\">@alice</span> asks <span class=\"mention\">@U0NOBODY</span>", Show("<@U0ALICE> asks <@U0NOBODY>"));
        Assert.Equal("<span class=\"mention\">@bob</span>", Show("<@U0BOB|bob>"));
    }

    [Fact]
    public void SpecialMentionsAndChannels_AreShownAsSlackShowsThem()
    {
        Assert.Equal("<span class=\"mention broadcast\">@here</span> in <span class=\"channel-link\">#approvals</span>", Show("<!here> in <#C0APPROVALS|approvals>"));
        Assert.Equal("<span class=\"mention\">@dbas</span>", Show("<!subteam^S0DBAS|@dbas>"));
    }

    [Fact]
    public void Links_WithALabel_AreAnchors_AndTheirEscapedAmpersandsAreDecoded()
    {
        Assert.Equal("<a href=\"https://example.com/a?b=1&amp;c=2\" target=\"_blank\" rel=\"noopener noreferrer\">the &lt;docs&gt;</a>", Show("<https://example.com/a?b=1&amp;c=2|the &lt;docs&gt;>"));
    }

    [Theory]
    [InlineData("<javascript:alert(1)|click me>")]
    [InlineData("<data:text/html,x|click me>")]
    [InlineData("<vbscript:x|click me>")]
    public void Links_ToOtherSchemes_AreText(string mrkdwn)
    {
        var html = Show(mrkdwn);
        Assert.Equal("click me", html);
    }

    [Fact]
    public void BareWebAddresses_AreLinked_WithoutTheirTrailingPunctuation_AndWithoutFormattingInside()
    {
        var html = Show("Set it up here: http://127.0.0.1:5080/enroll/a_b_c-d. Then wait.");
        Assert.Equal("Set it up here: <a href=\"http://127.0.0.1:5080/enroll/a_b_c-d\" target=\"_blank\" rel=\"noopener noreferrer\">http://127.0.0.1:5080/enroll/a_b_c-d</a>. Then wait.", html);
    }

    [Fact]
    public void BoldItalicStrikeAndCode_AreFormatted_AndNothingInsideCode()
    {
        Assert.Equal("<strong>Status:</strong> <em>pending</em> <del>old</del> <code>a*b*c</code>", Show("*Status:* _pending_ ~old~ `a*b*c`"));
        Assert.Equal("<pre>line *1*\nline 2</pre>", Show("```line *1*\nline 2```").Replace("<br>", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void UnderscoresAndStarsInsideWords_StayAsTheyAre()
    {
        Assert.Equal("grant prod_read_x to 2*3*4", Show("grant prod_read_x to 2*3*4"));
    }

    [Fact]
    public void BoldMayHoldAMention_AndLinesBreak()
    {
        Assert.Equal("<strong>Requester</strong><br><span class=\"mention\">@alice</span>", Show("*Requester*\n<@U0ALICE>"));
        Assert.Equal("<strong>Approved by <span class=\"mention\">@alice</span></strong>", Show("*Approved by <@U0ALICE>*"));
    }

    [Fact]
    public void KnownEmojiCodes_AreEmoji_OthersStayText()
    {
        Assert.Equal("⚠️ careful at 10:15:30 :not_an_emoji:", Show(":warning: careful at 10:15:30 :not_an_emoji:"));
        Assert.Equal("🔐 &lt;b&gt;", Mrkdwn.PlainToHtml(":closed_lock_with_key: <b>"));
        Assert.Equal(":warning:", Mrkdwn.PlainToHtml(":warning:", emoji: false));
    }

    [Fact]
    public void TheRenderersOwnMarkers_InTheInput_AreDropped()
    {
        Assert.Equal("a0b", Show("a\uE0000\uE001b"));
    }
}
