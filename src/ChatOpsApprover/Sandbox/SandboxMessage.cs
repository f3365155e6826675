using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>A message as Slack keeps it. Never changed in place: an update stores a new record (its JSON is not shared with callers).</summary>
/// <param name="ThreadTs">The parent's ts when this is a reply in a thread.</param>
/// <param name="Author">The Slack id of whoever wrote it (the bot, or a person typing in the sandbox).</param>
public sealed record SandboxMessage(string Channel, string Ts, string? ThreadTs, string Author, string Text, JsonArray? Blocks, bool Edited = false);
