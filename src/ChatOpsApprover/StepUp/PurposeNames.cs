using ChatOpsApprover.Domain;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// What a link or a step-up is for, as the database stores it (jit.stepup_links.purpose,
/// jit.stepup_confirmations.purpose) and audit details name it: "enroll", "requester", "approver". Stored values and
/// audit contents: never change one.
/// </summary>
public static class PurposeNames
{
    /// <summary>The purpose of an enrollment link.</summary>
    public const string Enrollment = "enroll";

    public static string Of(StepUpPurpose purpose) => purpose switch
    {
        StepUpPurpose.Requester => "requester",
        StepUpPurpose.Approver => "approver",
    };

    /// <summary>A link's purpose: <see cref="Enrollment"/> for an enrollment link (no step-up), else its step-up's.</summary>
    public static string OfLink(StepUpPurpose? stepUp) => stepUp is { } purpose ? Of(purpose) : Enrollment;

    public static StepUpPurpose Parse(string name) => name switch
    {
        "requester" => StepUpPurpose.Requester,
        "approver" => StepUpPurpose.Approver,
        _ => throw new InvalidDataException($"\"{name}\" is not a step-up purpose."),
    };

    /// <summary>A stored link's purpose: null for an enrollment link.</summary>
    public static StepUpPurpose? ParseLink(string name) => name == Enrollment ? null : Parse(name);
}
