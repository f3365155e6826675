namespace ChatOpsApprover.Sandbox;

/// <summary>A conversation in the sandbox workspace: a channel everyone sees, or a person's direct messages with the bot.</summary>
/// <param name="About">What the channel is for in this configuration (approval cards of a role, the audit trail…).</param>
/// <param name="DirectWith">For a direct-message channel, the Slack id of the person the bot talks to.</param>
public sealed record SandboxChannel(string Id, string Name, string About, string? DirectWith = null);
