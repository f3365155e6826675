namespace ChatOpsApprover.Configuration;

/// <summary>Roles:&lt;name&gt;:BreakGlass, e.g. { "Allowed": true, "MaxDuration": "01:00:00" }.</summary>
public sealed class BreakGlassOptions
{
    /// <summary>When true, people who may request the role may take it at once with jit breakglass (alerted, reviewed later).</summary>
    public bool Allowed { get; set; }

    /// <summary>The longest break-glass window; required when allowed, and at most the role's MaxDuration.</summary>
    public TimeSpan? MaxDuration { get; set; }
}
