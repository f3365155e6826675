namespace ChatOpsApprover.Configuration;

/// <summary>Settings under Roles:&lt;name&gt;:Extend.</summary>
public sealed class ExtendOptions
{
    /// <summary>The longest access may last from when it was granted, extensions included (unset: the role's MaxDuration).</summary>
    public TimeSpan? MaxTotal { get; set; }

    /// <summary>Whether an extension waits for the role's approvers (default true).</summary>
    public bool RequiresApproval { get; set; } = true;
}
