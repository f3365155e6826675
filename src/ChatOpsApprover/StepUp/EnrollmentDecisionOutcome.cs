namespace ChatOpsApprover.StepUp;

/// <summary>What a click on an enrollment's Approve or Refuse button did (<see cref="DecideOnEnrollment"/>).</summary>
public enum EnrollmentDecisionOutcome
{
    /// <summary>The factor can confirm step-ups from now on; waiting confirmations get their links.</summary>
    Approved,

    /// <summary>The factor was removed; its person must enroll again.</summary>
    Refused,

    /// <summary>The clicker is not in People.</summary>
    UnknownPerson,

    /// <summary>The clicker is not an admin (People:&lt;id&gt;:Admin); nothing changed.</summary>
    NotAnAdmin,

    /// <summary>An admin clicked on their own enrollment; another admin must decide it. Nothing changed.</summary>
    OwnEnrollment,

    /// <summary>That enrollment no longer waits (decided already, reset, or replaced); nothing changed.</summary>
    NotWaiting,
}
