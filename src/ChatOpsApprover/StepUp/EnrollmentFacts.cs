namespace ChatOpsApprover.StepUp;

/// <summary>What the enrollment page shows: the secret for manual entry and the otpauth URI for the QR code.</summary>
public sealed record EnrollmentFacts(string Secret, string KeyUri);
