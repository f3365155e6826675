using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat;

/// <summary>Where a request's card lives on one platform (Slack: channel and ts; Teams: conversation and activity id).</summary>
public sealed record ChatMessageRef(ChatPlatform Platform, string Channel, string MessageId);
