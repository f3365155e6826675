namespace ChatOpsApprover.Domain;

/// <summary>Who is speaking, as the chat platform names them.</summary>
public sealed record ChatUser(ChatPlatform Platform, string PlatformUserId);
