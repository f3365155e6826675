using System.Text.Json.Nodes;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;
using static ChatOpsApprover.Chat.Teams.AdaptiveCards;

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
    private const int MaxHistoryLine = 500;

    /// <summary>Each history line is cut to <see cref="MaxHistoryLine"/> characters; the card stays well within Teams' size limit.</summary>
    private static readonly HistoryBudget History = new(30, 12_000, line => Math.Min(line.Length, MaxHistoryLine));

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

    /// <summary>The request's audit message: its facts, its status and the newest lines of its history that fit.</summary>
    public static JsonObject RequestActivity(AuditTimeline timeline)
    {
        var card = AuditCardBuilder.Timeline(timeline, History);
        var body = new JsonArray { Header(card.Title) };
        foreach (var line in Facts(card.Facts))
        {
            body.Add(line);
        }

        body.Add(Status(card.Status));
        body.Add(Line(Run("History", bold: true)));
        if (card.EarlierNote is not null)
        {
            body.Add(Line(Run(card.EarlierNote, subtle: true)));
        }

        foreach (var line in card.History)
        {
            body.Add(Line(Run("• " + Truncate(line, MaxHistoryLine))));
        }

        if (card.LatestNote is not null)
        {
            body.Add(Line(Run(card.LatestNote, subtle: true)));
        }

        return Activity(Card(body), card.Summary);
    }

    /// <summary>One entry: headline, time, details and the entry's place in the hash chain.</summary>
    public static JsonObject EventActivity(AuditRecord record, bool standalone) => RenderEvent(AuditCardBuilder.Event(record, standalone));

    public static JsonObject RenderEvent(AuditEventCard card)
    {
        var headline = new List<JsonNode> { Run(card.Headline, bold: true, color: card.Standalone ? "Attention" : null), Run(" · " + card.Time) };
        if (card.RequestNote is not null)
        {
            headline.Add(Run(" · " + card.RequestNote));
        }

        var body = new JsonArray { Line([.. headline]) };
        if (card.Details.Length > 0)
        {
            body.Add(Line(Run(card.Details)));
        }

        body.Add(Line(Run(card.Anchor, subtle: true)));
        if (card.EnrollmentToDecide is not { } enrollment)
        {
            return Activity(Card(body), card.Summary);
        }

        body.Add(Line(Run(card.DecisionPrompt!, color: "Warning")));
        return Activity(Card(body,
        [
            EnrollmentButton(AuditEventCard.ApproveEnrollmentId, AuditEventCard.ApproveEnrollmentLabel, enrollment, "positive"),
            EnrollmentButton(AuditEventCard.RefuseEnrollmentId, AuditEventCard.RefuseEnrollmentLabel, enrollment, "destructive"),
        ]), card.Summary);
    }

    private static JsonObject EnrollmentButton(string verb, string title, Guid enrollment, string style) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["data"] = new JsonObject { [AuditEventCard.EnrollmentField] = enrollment.ToString() },
        ["style"] = style,
    };
}
