namespace ChatOpsApprover.Configuration;

/// <summary>The object form of Roles:&lt;name&gt;:AutoApprove: where auto-approval applies; elsewhere the normal approval does.</summary>
public sealed class AutoApproveOptions
{
    /// <summary>Only for these people (person ids, group:&lt;name&gt;, a platform's group); unset: anyone who may request.</summary>
    public List<string>? For { get; set; }

    /// <summary>Only inside the role's Hours.</summary>
    public bool OnlyInHours { get; set; }

    /// <summary>Only up to this duration.</summary>
    public TimeSpan? MaxDuration { get; set; }
}
