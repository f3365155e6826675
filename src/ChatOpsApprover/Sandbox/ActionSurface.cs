using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>Where a click happened: a message, an ephemeral message (its author never sees it again) or a view.</summary>
public abstract record ActionSurface
{
    private ActionSurface()
    {
    }

    public abstract JsonArray? Blocks { get; }

    /// <param name="State">The values of the message's selects, as state.values.</param>
    public sealed record InMessage(SandboxChannel Channel, SandboxMessage Message, JsonObject State) : ActionSurface
    {
        public override JsonArray? Blocks => Message.Blocks;
    }

    public sealed record InEphemeral(SandboxChannel Channel, SandboxEphemeral Message, JsonObject State) : ActionSurface
    {
        public override JsonArray? Blocks => Message.Blocks;
    }

    public sealed record InView(SandboxView View) : ActionSurface
    {
        public override JsonArray? Blocks => View.Blocks;
    }
}
