using System.Globalization;
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
    private const int MaxHistoryLines = 30;
    private const int SectionLimit = 3000;

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
        var text = new StringBuilder();
        if (thread is null)
        {
            text.Append(":rotating_light: ");
        }

        text.Append('*').Append(SlackText.Escape(AuditText.Headline(record))).Append("* · ").Append(AuditText.Time(record.At));
        if (record.RequestId is { } requestId && thread is null)
        {
            text.Append(" · request #").Append(requestId.ToString(CultureInfo.InvariantCulture));
        }

        var details = AuditText.Details(record);
        if (details.Length > 0)
        {
            text.Append('\n').Append(SlackText.Escape(details));
        }

        text.Append("\n_").Append(SlackText.Escape(AuditText.Anchor(record))).Append('_');
        await api.PostMessageAsync(thread?.Channel ?? Channel!, Truncate(text.ToString(), SectionLimit), blocks: null, thread?.MessageId, cancellationToken);
    }

    public static (string Text, JsonArray Blocks) RenderRequest(AuditTimeline timeline)
    {
        var request = timeline.Request;
        var id = timeline.RequestId.ToString(CultureInfo.InvariantCulture);
        var status = timeline.Status;
        var title = request is null ? $"Request #{id}" : $"Request #{id}: {request.RoleName} for {request.PersonId}";
        var text = $"Audit · {SlackText.Escape(title)} — {SlackText.Escape(status)}";

        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate($"Audit · request #{id}" + (request is null ? string.Empty : $": {request.RoleName}"), 150) },
            },
        };
        if (request is not null)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray
                {
                    Mrkdwn($"*Requester*\n{SlackText.Escape(request.PersonId)}"),
                    Mrkdwn($"*Role*\n{SlackText.Escape(request.RoleName)}"),
                    Mrkdwn($"*Duration*\n{DurationText.Format(request.Duration)}"),
                    Mrkdwn($"*Access*\n{SlackText.Escape(request.Grant)} for {SlackText.Escape(request.Login)} at {SlackText.Escape(request.Target)}"),
                },
            });
            blocks.Add(Section($"*Reason*\n{SlackText.Escape(request.Reason)}"));
        }

        blocks.Add(Section($"*Status:* {SlackText.Escape(status)}"));

        // The newest lines that fit; older ones remain in the thread.
        var lines = new List<string>();
        var length = 0;
        foreach (var line in timeline.Events.Reverse().Select(e => "• " + SlackText.Escape(AuditText.Line(e))))
        {
            if (lines.Count == MaxHistoryLines || length + line.Length + 1 > SectionLimit - 100)
            {
                break;
            }

            lines.Insert(0, line);
            length += line.Length + 1;
        }

        var history = new StringBuilder("*History*");
        if (timeline.Events.Count > lines.Count)
        {
            history.Append("\n_").Append((timeline.Events.Count - lines.Count).ToString(CultureInfo.InvariantCulture)).Append(" earlier events are in the thread_");
        }

        foreach (var line in lines)
        {
            history.Append('\n').Append(line);
        }

        blocks.Add(Section(history.ToString()));
        if (timeline.Events.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { Mrkdwn($"Every event is a reply in this thread · latest: {SlackText.Escape(AuditText.Anchor(timeline.Events[^1]))}") },
            });
        }

        return (Truncate(text, SectionLimit), blocks);
    }

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Mrkdwn(mrkdwn, SectionLimit),
    };

    private static JsonObject Mrkdwn(string text, int limit = 2000) => new() { ["type"] = "mrkdwn", ["text"] = Truncate(text, limit) };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
