namespace ChatOpsApprover.StepUp;

/// <summary>Whether a new enrollment needs an admin's approval before its factor can be used (StepUp:EnrollmentApproval).</summary>
public enum EnrollmentApproval
{
    /// <summary>A confirmed enrollment is usable at once; the audit channel still announces it.</summary>
    None,

    /// <summary>A confirmed enrollment is usable only after an admin other than its person approves it from the audit channel.</summary>
    Admin,
}
