namespace ChatOpsApprover.Sandbox;

/// <summary>A configured person who has a Slack id, as a member of the sandbox workspace.</summary>
public sealed record SandboxPerson(string PersonId, string SlackId);
