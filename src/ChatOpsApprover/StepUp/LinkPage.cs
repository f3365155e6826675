namespace ChatOpsApprover.StepUp;

/// <summary>Which page a link is opened on: each token works on one only.</summary>
public enum LinkPage
{
    Enroll,
    StepUp,
}

public enum PageTone
{
    Form,
    Success,
    Problem,
}

/// <summary>What a link page shows: one outcome, what it means and what to do next. Rendered by <see cref="StepUpPages"/>.</summary>
public sealed record PageModel(int StatusCode, PageTone Tone, string Title, string Message)
{
    /// <summary>What the person should do now.</summary>
    public string? Next { get; init; }

    /// <summary>Whose link this is (shown so someone holding another person's link notices).</summary>
    public string? ForPerson { get; init; }

    public RequestFacts? Request { get; init; }

    public EnrollmentFacts? Enrollment { get; init; }

    /// <summary>Whether to show the code form.</summary>
    public bool CodeForm { get; init; }

    /// <summary>Why the last code was not accepted, shown above the form.</summary>
    public string? CodeError { get; init; }

    /// <summary>A device id to store in the device cookie (after a verified code from a browser without one).</summary>
    public string? RememberDevice { get; init; }
}

/// <summary>The request a step-up confirms, as the person should check it.</summary>
public sealed record RequestFacts(long Id, string Requester, string Role, string RoleDescription, string Duration, string Reason, string Approvers, string Confirming);

/// <summary>What the enrollment page shows: the secret for manual entry and the otpauth URI for the QR code.</summary>
public sealed record EnrollmentFacts(string Secret, string KeyUri);

/// <summary>Where a code came from: the device id in the browser's signed cookie (if any) and the client's address.</summary>
public sealed record ClientInfo(string? DeviceId, string Address);
