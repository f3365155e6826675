using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The ending-soon DM in Block Kit: the text, and an "Extend by…" static_select whose pick asks for the extension
/// at once (option values "&lt;request id&gt;:&lt;seconds&gt;", like the approval card's "approve for less").
/// </summary>
public static class SlackEndingSoonMessage
{
    public static (string Text, JsonArray Blocks) Render(EndingSoonNotice notice)
    {
        var text = SlackText.Escape(notice.Text);
        var blocks = new JsonArray { SlackBlocks.Section(text) };
        if (notice.ExtendBy.Count > 0)
        {
            var id = notice.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = $"jit_extend_{id}",
                ["elements"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "static_select",
                        ["action_id"] = EndingSoonNotice.ExtendId,
                        ["placeholder"] = new JsonObject { ["type"] = "plain_text", ["text"] = EndingSoonNotice.ExtendLabel },
                        ["options"] = new JsonArray([.. notice.ExtendBy.Select(d => new JsonObject
                        {
                            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = DurationText.Format(d) },
                            ["value"] = $"{id}:{(long)d.TotalSeconds}",
                        })]),
                    },
                },
            });
        }

        return (text, blocks);
    }
}
