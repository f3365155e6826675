namespace ChatOpsApprover.Chat.Slack;

/// <summary>Where a signed Slack request's signature is claimed, so that a second delivery of it is refused as a replay.</summary>
public enum SlackReplayScope
{
    /// <summary>In the database, so every instance sharing it refuses the replay: anything that reads or changes something.</summary>
    AllInstances,

    /// <summary>
    /// In this instance's memory only: an answer that reads nothing and changes nothing (the public help text, a usage
    /// message), which a replay to another instance could only repeat to whoever sent it.
    /// </summary>
    ThisInstance,
}
