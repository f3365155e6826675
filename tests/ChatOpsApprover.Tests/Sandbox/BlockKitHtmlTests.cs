using System.Text.Json.Nodes;
using ChatOpsApprover.Sandbox;

namespace ChatOpsApprover.Tests.Sandbox;

public sealed class BlockKitHtmlTests
{
    private static readonly BlockKitSurface Message = new(id => id == "U0ALICE" ? "alice" : null)
    {
        ActionUrl = "/sandbox/act",
        Hidden = [new("as", "bob"), new("surface", "message:C0APPROVALS:1.000100")],
    };

    private static string Render(string blocks, BlockKitSurface? surface = null) =>
        BlockKitHtml.Render(JsonNode.Parse(blocks)!.AsArray(), "fallback", surface ?? Message);

    [Fact]
    public void ACard_ShowsHeaderFieldsContextDividerAndStyledButtons()
    {
        var html = Render("""
            [
              {"type":"header","text":{"type":"plain_text","text":"Access request #7: prod-db-read"}},
              {"type":"section","fields":[{"type":"mrkdwn","text":"*Requester*\n<@U0ALICE>"},{"type":"mrkdwn","text":"*Duration*\n2h"}]},
              {"type":"context","elements":[{"type":"mrkdwn","text":":hourglass_flowing_sand: Waiting for _bob_"}]},
              {"type":"divider"},
              {"type":"actions","block_id":"jit_decision_7","elements":[
                {"type":"button","text":{"type":"plain_text","text":"Approve"},"action_id":"jit_approve","value":"7","style":"primary"},
                {"type":"button","text":{"type":"plain_text","text":"Deny"},"action_id":"jit_deny","value":"7","style":"danger"}]}
            ]
            """);

        Assert.Contains("<div class=\"bk-header\">Access request #7: prod-db-read</div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"bk-field\"><strong>Requester</strong><br><span class=\"mention\">@alice</span></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"bk-context\"><span>⏳ Waiting for <em>bob</em></span></div>", html, StringComparison.Ordinal);
        Assert.Contains("<hr class=\"bk-divider\">", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\" class=\"bk-button bk-primary\" name=\"element\" value=\"[&quot;jit_decision_7&quot;,&quot;jit_approve&quot;]\">Approve</button>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"bk-button bk-danger\" name=\"element\" value=\"[&quot;jit_decision_7&quot;,&quot;jit_deny&quot;]\">Deny</button>", html, StringComparison.Ordinal);

        // Each button is a form of its own carrying who clicks, and where.
        Assert.Equal(2, Count(html, "<form method=\"post\" class=\"bk-form\" action=\"/sandbox/act\"><input type=\"hidden\" name=\"as\" value=\"bob\"><input type=\"hidden\" name=\"surface\" value=\"message:C0APPROVALS:1.000100\">"));
        Assert.DoesNotContain("fallback", html, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutBlocks_TheTextIsShownAsMrkdwn()
    {
        Assert.Equal("<div class=\"bk-text\"><strong>Done</strong> &lt;x&gt;</div>", BlockKitHtml.Render(null, "*Done* &lt;x&gt;", Message));
        Assert.Equal("<div class=\"bk-text\"><strong>Done</strong></div>", BlockKitHtml.Render([], "*Done*", Message));
    }

    [Fact]
    public void PlainText_IsEscaped()
    {
        var html = Render("""[{"type":"header","text":{"type":"plain_text","text":"<script>alert(1)</script> &amp;"}}]""");
        Assert.Equal("<div class=\"bk-header\">&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;</div>", html);
    }

    [Fact]
    public void ASectionWithAnAccessory_ShowsItBesideTheText()
    {
        var html = Render("""[{"type":"section","block_id":"b1","text":{"type":"mrkdwn","text":"Pick one"},"accessory":{"type":"button","action_id":"go","text":{"type":"plain_text","text":"Go"}}}]""");
        Assert.Contains("<div class=\"bk-accessory\"><form method=\"post\" class=\"bk-form\" action=\"/sandbox/act\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"[&quot;b1&quot;,&quot;go&quot;]\">Go</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AStaticSelect_ListsItsOptionsAndGroups_WithTheInitialOneChosen()
    {
        var html = Render("""
            [{"type":"actions","block_id":"b","elements":[{"type":"static_select","action_id":"duration","placeholder":{"type":"plain_text","text":"Approve for less"},
              "options":[{"text":{"type":"plain_text","text":"30 minutes"},"value":"30m"},{"text":{"type":"plain_text","text":"1 hour"},"value":"1h"}],
              "option_groups":[{"label":{"type":"plain_text","text":"Longer"},"options":[{"text":{"type":"plain_text","text":"2 hours"},"value":"2h"}]}],
              "initial_option":{"text":{"type":"plain_text","text":"1 hour"},"value":"1h"}}]}]
            """);

        Assert.Contains("<select name=\"state:[&quot;b&quot;,&quot;duration&quot;]\" aria-label=\"Approve for less\" data-element=\"[&quot;b&quot;,&quot;duration&quot;]\" data-formaction=\"/sandbox/act\">", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"\" disabled>Approve for less</option><option value=\"30m\">30 minutes</option><option value=\"1h\" selected>1 hour</option>", html, StringComparison.Ordinal);
        Assert.Contains("<optgroup label=\"Longer\"><option value=\"2h\">2 hours</option></optgroup>", html, StringComparison.Ordinal);
        Assert.Contains("<noscript><button type=\"submit\" class=\"bk-button\" name=\"element\" value=\"[&quot;b&quot;,&quot;duration&quot;]\">Choose</button></noscript>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsInAModal_AreFieldsOfItsForm_WithWhatWasEntered_AndTheBotsErrorOnTheRightField()
    {
        var modal = Message with
        {
            InForm = true,
            Errors = new Dictionary<string, string> { ["reason"] = "Give a reason: the requester is told." },
            State = JsonNode.Parse("""{"reason":{"text":{"type":"plain_text_input","value":"too <broad>"}}}""")!.AsObject(),
        };
        var html = Render("""
            [
              {"type":"input","block_id":"reason","label":{"type":"plain_text","text":"Why deny?"},"hint":{"type":"plain_text","text":"The requester sees it"},
               "element":{"type":"plain_text_input","action_id":"text","multiline":true,"max_length":500,"placeholder":{"type":"plain_text","text":"Reason"}}},
              {"type":"input","block_id":"note","optional":true,"label":{"type":"plain_text","text":"Note"},
               "element":{"type":"plain_text_input","action_id":"n","initial_value":"hi"}},
              {"type":"input","block_id":"dur","label":{"type":"plain_text","text":"Duration"},
               "element":{"type":"static_select","action_id":"d","options":[{"text":{"type":"plain_text","text":"1 hour"},"value":"1h"}]}},
              {"type":"actions","block_id":"more","elements":[{"type":"button","action_id":"help","text":{"type":"plain_text","text":"Help"}}]}
            ]
            """, modal);

        Assert.Matches("<label for=\"(f[0-9a-f]{12})\">Why deny\\?</label><textarea rows=\"3\" id=\"\\1\" name=\"state:\\[&quot;reason&quot;,&quot;text&quot;\\]\" required aria-invalid=\"true\" aria-describedby=\"\\1-error\" placeholder=\"Reason\" maxlength=\"500\">too &lt;broad&gt;</textarea>", html);
        Assert.Contains("<p class=\"bk-hint\">The requester sees it</p><p class=\"bk-error\" role=\"alert\" id=\"", html, StringComparison.Ordinal);
        Assert.Contains("Give a reason: the requester is told.</p>", html, StringComparison.Ordinal);
        Assert.Contains("Note <span class=\"bk-optional\">(optional)</span></label><input type=\"text\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state:[&quot;note&quot;,&quot;n&quot;]\" value=\"hi\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state:[&quot;dur&quot;,&quot;d&quot;]\" required><option value=\"\" selected disabled>Choose</option><option value=\"1h\">1 hour</option></select>", html, StringComparison.Ordinal);

        // In a modal a button posts the modal's form elsewhere, without its own form (forms do not nest).
        Assert.Contains("<button type=\"submit\" class=\"bk-button\" formaction=\"/sandbox/act\" formnovalidate name=\"element\" value=\"[&quot;more&quot;,&quot;help&quot;]\">Help</button>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsOutsideAForm_AreShownDisabled()
    {
        var html = Render("""[{"type":"input","block_id":"r","label":{"type":"plain_text","text":"Reason"},"element":{"type":"plain_text_input","action_id":"t"}}]""");
        Assert.Contains(" required disabled value=\"\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownBlocksAndElements_AreShownAsTheirJson_AndTheRestStillRenders()
    {
        var html = Render("""
            [
              {"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"<hi>"}]}]},
              {"type":"actions","block_id":"a","elements":[{"type":"datepicker","action_id":"when"},{"type":"button","action_id":"ok","text":{"type":"plain_text","text":"OK"}}]},
              {"type":"header"},
              {"type":"button","action_id":"x"}
            ]
            """);

        Assert.Equal(4, Count(html, "<pre class=\"bk-raw\""));
        Assert.Contains("&quot;type&quot;: &quot;rich_text&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;text&quot;: &quot;&lt;hi&gt;&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;type&quot;: &quot;datepicker&quot;", html, StringComparison.Ordinal);
        Assert.Contains(">OK</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkButtons_OpenOnlyWebAddresses()
    {
        var html = Render("""
            [{"type":"actions","block_id":"a","elements":[
              {"type":"button","action_id":"docs","text":{"type":"plain_text","text":"Docs"},"url":"https://example.com/docs"},
              {"type":"button","action_id":"evil","text":{"type":"plain_text","text":"Evil"},"url":"javascript:alert(1)"}]}]
            """);

        Assert.Contains("<a class=\"bk-button\" href=\"https://example.com/docs\" target=\"_blank\" rel=\"noopener noreferrer\">Docs</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"bk-raw\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AButtonAskingForConfirmation_CarriesTheQuestion()
    {
        var html = Render("""[{"type":"actions","block_id":"a","elements":[{"type":"button","action_id":"r","text":{"type":"plain_text","text":"Revoke"},"confirm":{"title":{"type":"plain_text","text":"Sure?"},"text":{"type":"plain_text","text":"End access \"now\"?"}}}]}]""");
        Assert.Contains("data-confirm=\"End access &quot;now&quot;?\">Revoke</button>", html, StringComparison.Ordinal);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
