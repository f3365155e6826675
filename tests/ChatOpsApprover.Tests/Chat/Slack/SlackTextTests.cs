using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Storage;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackTextTests
{
    [Theory]
    [InlineData("<!channel> hi", "&lt;!channel&gt; hi")]
    [InlineData("<@U123>", "&lt;@U123&gt;")]
    [InlineData("<https://evil|click>", "&lt;https://evil|click&gt;")]
    [InlineData("a & b", "a &amp; b")]
    public void Escape_NeutralisesMentionsAndLinks(string input, string expected) => Assert.Equal(expected, SlackText.Escape(input));

    [Theory]
    [InlineData("prod_read", "\"prod_read\"")]
    [InlineData("x\"; DROP ROLE admin; --", "\"x\"\"; DROP ROLE admin; --\"")]
    public void SqlIdentifier_QuotesLikeQuoteIdent(string input, string expected) => Assert.Equal(expected, SqlIdentifier.Quote(input));
}
