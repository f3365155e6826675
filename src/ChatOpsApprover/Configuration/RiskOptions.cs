namespace ChatOpsApprover.Configuration;

/// <summary>Roles:&lt;name&gt;:Risk: which signals are watched and what they ask for.</summary>
public sealed class RiskOptions
{
    /// <summary>A request longer than this is a signal.</summary>
    public TimeSpan? LongerThan { get; set; }

    /// <summary>The person's first request of the role is a signal.</summary>
    public bool FirstRequest { get; set; }

    /// <summary>A step-up from a device the person has not used before is a signal.</summary>
    public bool NewDevice { get; set; }

    /// <summary>A step-up from a network address the person has not used before is a signal.</summary>
    public bool NewNetwork { get; set; }

    /// <summary>
    /// ExtraApproval or ApproverStepUp: what LongerThan and FirstRequest ask for. Block or Review here is what NewDevice
    /// and NewNetwork do (as <see cref="StepUpAction"/>).
    /// </summary>
    public string? Action { get; set; }

    /// <summary>Block or Review (the default): what NewDevice and NewNetwork do at step-up.</summary>
    public string? StepUpAction { get; set; }
}
