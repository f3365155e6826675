namespace ChatOpsApprover.Sandbox;

/// <summary>What Slack would show one person outside a message, e.g. "/jit failed with the error dispatch_failed".</summary>
public sealed record SandboxNotice(string User, string Ts, string Text);
