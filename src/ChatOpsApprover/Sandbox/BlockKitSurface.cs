using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>Where blocks are rendered: who is who, where clicks go, and (in a modal) what was entered and what the bot said about it.</summary>
/// <param name="UserName">A person's name for a Slack user id (&lt;@U…&gt;), or null for an unknown id.</param>
public sealed record BlockKitSurface(Func<string, string?> UserName)
{
    /// <summary>Where a click or choice is posted.</summary>
    public string ActionUrl { get; init; } = "/sandbox/act";

    /// <summary>Fields every click posts along: who clicked, on what, the anti-forgery token.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Hidden { get; init; } = [];

    /// <summary>Inside a view's own form (a modal): inputs are its fields, and buttons post it to <see cref="ActionUrl"/>.</summary>
    public bool InForm { get; init; }

    /// <summary>The bot's response_action: errors, by block id.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>state.values: what was entered and chosen, shown instead of the initial values.</summary>
    public JsonObject State { get; init; } = [];
}
