namespace ChatOpsApprover.StepUp;

/// <summary>
/// Which page a link opens: the enrollment page (/enroll/{token}), which sets up a second factor, or the step-up page
/// (/stepup/{token}), which confirms one request with it. A token works on its own page only.
/// </summary>
public enum LinkKind
{
    Enrollment,
    StepUp,
}
