using System.Globalization;
using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The audit channel on Teams (Audit:TeamsChannel, a channel's conversation id such as 19:…@thread.tacv2): a
/// request's message is a new post in the channel, replaced in place (PUT) as the request moves on; each event is a
/// reply in that post's thread. Every piece of text is an Adaptive Card TextRun, which Teams renders literally, so
/// nothing from the log becomes markup, a link or a mention: people are named by their person id and nobody is pinged.
/// Inactive (no channel) while Teams:AppId is empty.
/// </summary>
public sealed class TeamsAuditChannel(ConnectorClient connector, IOptions<TeamsOptions> teams, IOptions<AuditOptions> audit) : IAuditChannel
{
    private const int MaxHistoryLines = 30;
    private const int MaxHistoryChars = 12_000;
    private const int MaxRunLength = 2_000;

    public ChatPlatform Platform => TeamsChat.Key;

    public string? Channel => teams.Value.IsConfigured && !string.IsNullOrWhiteSpace(audit.Value.TeamsChannel) ? audit.Value.TeamsChannel.Trim() : null;

    public async Task<ChatMessageRef> PostRequestAsync(AuditTimeline timeline, CancellationToken cancellationToken)
    {
        var channel = Channel!;
        var activityId = await connector.SendAsync(teams.Value.ServiceUrl, channel, RequestActivity(timeline), cancellationToken);
        return new ChatMessageRef(TeamsChat.Key, channel, activityId);
    }

    public async Task UpdateRequestAsync(ChatMessageRef message, AuditTimeline timeline, CancellationToken cancellationToken) =>
        await connector.UpdateAsync(teams.Value.ServiceUrl, message.Channel, message.MessageId, RequestActivity(timeline), cancellationToken);

    public async Task PostEventAsync(AuditRecord record, ChatMessageRef? thread, CancellationToken cancellationToken)
    {
        var activity = EventActivity(record, standalone: thread is null);
        if (thread is null)
        {
            await connector.SendAsync(teams.Value.ServiceUrl, Channel!, activity, cancellationToken);
            return;
        }

        // A reply is threaded only when sent to the thread's own conversation (channel;messageid=root); sent to the
        // bare channel id, Teams would show it as a new post.
        await connector.ReplyAsync(teams.Value.ServiceUrl, ThreadOf(thread), thread.MessageId, activity, cancellationToken);
    }

    /// <summary>The conversation id of a channel post's thread: the channel id with the root message id.</summary>
    public static string ThreadOf(ChatMessageRef message) =>
        $"{message.Channel.Split(';')[0]};messageid={message.MessageId}";

    /// <summary>The request's audit message: its facts, its status and the newest lines of its history.</summary>
    public static JsonObject RequestActivity(AuditTimeline timeline)
    {
        var request = timeline.Request;
        var id = timeline.RequestId.ToString(CultureInfo.InvariantCulture);
        var status = timeline.Status;
        var body = new JsonArray
        {
            Line(Run($"Audit · request #{id}" + (request is null ? string.Empty : $": {request.RoleName}"), bold: true, size: "Medium")),
        };
        if (request is not null)
        {
            body.Add(Line(Run("Requester: ", bold: true), Run(request.PersonId)));
            body.Add(Line(Run("Role: ", bold: true), Run(request.RoleName)));
            body.Add(Line(Run("Duration: ", bold: true), Run(DurationText.Format(request.Duration))));
            body.Add(Line(Run("Access: ", bold: true), Run($"{request.Grant} for {request.Login} at {request.Target}")));
            body.Add(Line(Run("Reason: ", bold: true), Run(request.Reason)));
        }

        body.Add(Line(Run("Status: ", bold: true), Run(status)));

        // The newest lines that fit; older ones remain in the thread.
        var lines = new List<string>();
        var length = 0;
        foreach (var line in timeline.Events.Reverse().Select(e => Truncate(AuditText.Line(e), 500)))
        {
            if (lines.Count == MaxHistoryLines || length + line.Length > MaxHistoryChars)
            {
                break;
            }

            lines.Insert(0, line);
            length += line.Length;
        }

        body.Add(Line(Run("History", bold: true)));
        if (timeline.Events.Count > lines.Count)
        {
            body.Add(Line(Run($"{(timeline.Events.Count - lines.Count).ToString(CultureInfo.InvariantCulture)} earlier events are in the thread", subtle: true)));
        }

        foreach (var line in lines)
        {
            body.Add(Line(Run("• " + line)));
        }

        if (timeline.Events.Count > 0)
        {
            body.Add(Line(Run($"Every event is a reply in this thread · latest: {AuditText.Anchor(timeline.Events[^1])}", subtle: true)));
        }

        var title = request is null ? $"Request #{id}" : $"Request #{id}: {request.RoleName} for {request.PersonId}";
        return CardActivity(body, $"Audit · {title} — {status}");
    }

    /// <summary>One event: headline, time, details and the entry's place in the hash chain.</summary>
    public static JsonObject EventActivity(AuditRecord record, bool standalone)
    {
        var headline = new List<JsonNode> { Run(AuditText.Headline(record), bold: true, color: standalone ? "Attention" : null), Run(" · " + AuditText.Time(record.At)) };
        if (standalone && record.RequestId is { } requestId)
        {
            headline.Add(Run(" · request #" + requestId.ToString(CultureInfo.InvariantCulture)));
        }

        var body = new JsonArray { Line([.. headline]) };
        var details = AuditText.Details(record);
        if (details.Length > 0)
        {
            body.Add(Line(Run(details)));
        }

        body.Add(Line(Run(AuditText.Anchor(record), subtle: true)));
        return CardActivity(body, $"Audit · {AuditText.Headline(record)}");
    }

    private static JsonObject CardActivity(JsonArray body, string summary) => new()
    {
        ["type"] = "message",
        ["summary"] = Truncate(summary, 250),
        ["attachments"] = new JsonArray
        {
            new JsonObject
            {
                ["contentType"] = TeamsApprovalCard.ContentType,
                ["content"] = new JsonObject
                {
                    ["type"] = "AdaptiveCard",
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["version"] = "1.5",
                    ["body"] = body,
                },
            },
        },
    };

    private static JsonObject Line(params JsonNode[] runs) => TeamsApprovalCard.Line(runs);

    private static JsonObject Run(string text, bool bold = false, bool subtle = false, string? size = null, string? color = null) =>
        TeamsApprovalCard.Run(Truncate(text, MaxRunLength), bold, subtle, size, color);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
