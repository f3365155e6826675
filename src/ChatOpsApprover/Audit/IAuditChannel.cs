using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Audit;

/// <summary>
/// One chat platform's audit channel (Audit:SlackChannel, Audit:TeamsChannel). The publisher decides what to post
/// when; each platform only renders: one message per request, updated in place, with a threaded reply per event,
/// and a standalone message for an event without a request. A new platform is one new implementation.
/// </summary>
public interface IAuditChannel
{
    /// <summary>The platform; also the key of this channel's publishing cursor and stored message refs.</summary>
    ChatPlatform Platform { get; }

    /// <summary>Where to publish, or null when this platform has no audit channel configured.</summary>
    string? Channel { get; }

    /// <summary>Posts the request's audit message, showing <paramref name="timeline"/>; returns where it lives.</summary>
    Task<ChatMessageRef> PostRequestAsync(AuditTimeline timeline, CancellationToken cancellationToken);

    /// <summary>Rewrites the request's audit message to show <paramref name="timeline"/>.</summary>
    Task UpdateRequestAsync(ChatMessageRef message, AuditTimeline timeline, CancellationToken cancellationToken);

    /// <summary>Posts one event: as a reply in <paramref name="thread"/>, or standalone when it is null.</summary>
    Task PostEventAsync(AuditRecord record, ChatMessageRef? thread, CancellationToken cancellationToken);
}

/// <summary>
/// A request's audit history up to one entry: the request's facts (null if the row is gone) and its entries in order.
/// </summary>
public sealed record AuditTimeline(long RequestId, AccessRequest? Request, IReadOnlyList<AuditRecord> Events)
{
    /// <summary>Where the request stands after the latest event, in words.</summary>
    public string Status => AuditText.Status(this);
}
