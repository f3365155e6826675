using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>A message only <paramref name="User"/> sees, in a channel: a slash command's answer or chat.postEphemeral.</summary>
/// <param name="Typed">The command that was answered, shown above the answer (Slack shows it in the composer history).</param>
public sealed record SandboxEphemeral(string Channel, string User, string Ts, string Text, JsonArray? Blocks, string? Typed = null);
