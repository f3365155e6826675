namespace ChatOpsApprover.Sandbox;

/// <summary>Whether the sandbox runs, and who may open it.</summary>
public enum SandboxReach
{
    /// <summary>Not mapped at all: a Slack or Teams app is configured, or Sandbox:Enabled is false.</summary>
    Off,

    /// <summary>On, because no chat app is configured; requests from other machines (or through a proxy) get 404.</summary>
    LoopbackOnly,

    /// <summary>On for every address: Sandbox:Enabled is true.</summary>
    Anywhere,
}
