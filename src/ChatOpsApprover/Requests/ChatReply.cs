namespace ChatOpsApprover.Requests;

/// <summary>A reply to the person who typed a command, in plain text (adapters escape it for their markup).</summary>
public sealed record ChatReply(string Text);
