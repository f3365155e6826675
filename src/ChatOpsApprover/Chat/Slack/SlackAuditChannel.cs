using System.Text;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The audit channel on Slack (Audit:SlackChannel): a request's message is posted with chat.postMessage and rewritten
/// with chat.update; each event is a reply in its thread (thread_ts). People are named by their person id, never
/// mentioned, so the audit channel does not ping anyone. All text from the log is escaped.
/// </summary>
public sealed class SlackAuditChannel(SlackApiClient api, IOptions<AuditOptions> options) : IAuditChannel
{
    /// <summary>The history fits one section, with room left for its heading and the earlier-events note.</summary>
    private static readonly HistoryBudget History = new(30, SlackBlocks.SectionLimit - 100, line => HistoryLine(line).Length + 1);

    public ChatPlatform Platform => SlackChat.Key;

    public string? Channel => string.IsNullOrWhiteSpace(options.Value.SlackChannel) ? null : options.Value.SlackChannel.Trim();

    public async Task<ChatMessageRef> PostRequestAsync(AuditTimeline timeline, CancellationToken cancellationToken)
    {
        var (text, blocks) = RenderRequest(timeline);
        var (channel, ts) = await api.PostMessageAsync(Channel!, text, blocks, threadTs: null, cancellationToken);
        return new ChatMessageRef(SlackChat.Key, channel, ts);
    }

    public async Task UpdateRequestAsync(ChatMessageRef message, AuditTimeline timeline, CancellationToken cancellationToken)
    {
        var (text, blocks) = RenderRequest(timeline);
        await api.UpdateMessageAsync(message.Channel, message.MessageId, text, blocks, cancellationToken);
    }

    public async Task PostEventAsync(AuditRecord record, ChatMessageRef? thread, CancellationToken cancellationToken)
    {
        var card = AuditCardBuilder.Event(record, standalone: thread is null);
        await api.PostMessageAsync(thread?.Channel ?? Channel!, RenderEvent(card), EventBlocks(card), thread?.MessageId, cancellationToken);
    }

    /// <summary>Blocks only for an enrollment that waits for an admin: its text, what is asked, and Approve / Refuse.</summary>
    public static JsonArray? EventBlocks(AuditEventCard card)
    {
        if (card.EnrollmentToDecide is not { } enrollment)
        {
            return null;
        }

        var value = enrollment.ToString();
        return
        [
            SlackBlocks.Section(RenderEvent(card)),
            SlackBlocks.Context(SlackText.Escape(card.DecisionPrompt!)),
            new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "jit_enrollment_" + value,
                ["elements"] = new JsonArray
                {
                    EnrollmentButton(AuditEventCard.ApproveEnrollmentId, AuditEventCard.ApproveEnrollmentLabel, value, "primary"),
                    EnrollmentButton(AuditEventCard.RefuseEnrollmentId, AuditEventCard.RefuseEnrollmentLabel, value, "danger"),
                },
            },
        ];
    }

    private static JsonObject EnrollmentButton(string actionId, string label, string value, string style) => new()
    {
        ["type"] = "button",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = label },
        ["action_id"] = actionId,
        ["value"] = value,
        ["style"] = style,
    };

    /// <summary>The request's audit message: its facts, its status and the newest lines of its history that fit.</summary>
    public static (string Text, JsonArray Blocks) RenderRequest(AuditTimeline timeline)
    {
        var card = AuditCardBuilder.Timeline(timeline, History);
        var blocks = new JsonArray { SlackBlocks.Header(card.Title) };
        foreach (var block in SlackBlocks.Facts(card.Facts, text => SlackText.Render(text)))
        {
            blocks.Add(block);
        }

        blocks.Add(SlackBlocks.Status(card.Status));
        var history = new StringBuilder("*History*");
        if (card.EarlierNote is not null)
        {
            history.Append("\n_").Append(SlackText.Escape(card.EarlierNote)).Append('_');
        }

        foreach (var line in card.History)
        {
            history.Append('\n').Append(HistoryLine(line));
        }

        blocks.Add(SlackBlocks.Section(history.ToString()));
        if (card.LatestNote is not null)
        {
            blocks.Add(SlackBlocks.Context(SlackText.Escape(card.LatestNote)));
        }

        return (SlackBlocks.Truncate(SlackText.Escape(card.Summary), SlackBlocks.SectionLimit), blocks);
    }

    /// <summary>One entry as mrkdwn text: an alert icon when standalone, headline, time, details, anchor.</summary>
    public static string RenderEvent(AuditEventCard card)
    {
        var text = new StringBuilder();
        if (card.Standalone)
        {
            text.Append(":rotating_light: ");
        }

        text.Append('*').Append(SlackText.Escape(card.Headline)).Append("* · ").Append(SlackText.Escape(card.Time));
        if (card.RequestNote is not null)
        {
            text.Append(" · ").Append(SlackText.Escape(card.RequestNote));
        }

        if (card.Details.Length > 0)
        {
            text.Append('\n').Append(SlackText.Escape(card.Details));
        }

        text.Append("\n_").Append(SlackText.Escape(card.Anchor)).Append('_');
        return SlackBlocks.Truncate(text.ToString(), SlackBlocks.SectionLimit);
    }

    private static string HistoryLine(string line) => "• " + SlackText.Escape(line);
}
