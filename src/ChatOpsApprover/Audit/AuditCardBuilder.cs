using System.Globalization;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Audit;

/// <summary>Builds the audit channel's messages from the log; each platform's audit channel only renders them.</summary>
public static class AuditCardBuilder
{
    /// <summary>The request's audit message: facts, status and the newest history lines that fit <paramref name="budget"/>.</summary>
    public static AuditTimelineCard Timeline(AuditTimeline timeline, HistoryBudget budget)
    {
        var request = timeline.Request;
        var id = timeline.RequestId.ToString(CultureInfo.InvariantCulture);
        var status = timeline.Status;
        List<CardFact> facts = request is null
            ? []
            :
            [
                new("Requester", CardText.Plain(request.PersonId)),
                new("Role", CardText.Plain(request.RoleName)),
                new("Duration", CardText.Plain(DurationText.Format(request.Duration))),
                new("Access", CardText.Plain($"{request.Grant} for {request.Login} at {request.Target}")),
                new("Reason", CardText.Plain(request.Reason), Wide: true),
            ];
        if (request is { PolicyRules.Count: > 0 })
        {
            facts.Add(new CardFact("Policy", CardText.Plain(string.Join("; ", request.PolicyRules)), Wide: true));
        }

        // The newest lines that fit; older ones remain in the thread.
        var history = new List<string>();
        var used = 0;
        foreach (var line in timeline.Events.Reverse().Select(AuditText.Line))
        {
            var cost = budget.Cost(line);
            if (history.Count == budget.MaxLines || used + cost > budget.MaxChars)
            {
                break;
            }

            history.Insert(0, line);
            used += cost;
        }

        var earlier = timeline.Events.Count - history.Count;
        return new AuditTimelineCard(
            $"Audit · request #{id}" + (request is null ? string.Empty : $": {request.RoleName}"),
            $"Audit · Request #{id}" + (request is null ? string.Empty : $": {request.RoleName} for {request.PersonId}") + $" — {status}",
            facts,
            status,
            history,
            earlier > 0 ? $"{earlier.ToString(CultureInfo.InvariantCulture)} earlier events are in the thread" : null,
            timeline.Events.Count > 0 ? $"Every event is a reply in this thread · latest: {AuditText.Anchor(timeline.Events[^1])}" : null);
    }

    /// <summary>One entry: as a reply in its request's thread, or <paramref name="standalone"/> in the channel.</summary>
    public static AuditEventCard Event(AuditRecord record, bool standalone) => new(
        AuditText.Headline(record),
        AuditText.Time(record.At),
        standalone && record.RequestId is { } requestId ? "request #" + requestId.ToString(CultureInfo.InvariantCulture) : null,
        AuditText.Details(record),
        AuditText.Anchor(record),
        standalone,
        EnrollmentAwaitingAdmin(record));

    /// <summary>The enrollment an <see cref="AuditEvents.MfaEnrolled"/> entry asks the admins to decide, if it asks.</summary>
    private static Guid? EnrollmentAwaitingAdmin(AuditRecord record) =>
        record.Event == AuditEvents.MfaEnrolled && record.Details.TryGetValue("enrollment", out var id) && Guid.TryParse(id, out var enrollment) ? enrollment : null;
}
