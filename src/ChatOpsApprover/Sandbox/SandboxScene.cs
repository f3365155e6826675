namespace ChatOpsApprover.Sandbox;

/// <summary>What one person sees of the workspace at one moment: the page is rendered from this.</summary>
/// <param name="Messages">Every message of <paramref name="Channels"/> and of <paramref name="Direct"/>, replies included, oldest first.</param>
/// <param name="Ephemerals">Messages only this person sees, oldest first.</param>
/// <param name="Modal">The top of their modal stack, if one is open; <paramref name="ModalDepth"/> counts the stack.</param>
public sealed record SandboxScene(
    long Version,
    SandboxPerson Me,
    IReadOnlyList<SandboxPerson> People,
    IReadOnlyList<SandboxChannel> Channels,
    SandboxChannel? Direct,
    IReadOnlyList<SandboxMessage> Messages,
    IReadOnlyList<SandboxEphemeral> Ephemerals,
    SandboxView? Modal,
    int ModalDepth,
    SandboxView? Home,
    IReadOnlyList<SandboxNotice> Notices);
