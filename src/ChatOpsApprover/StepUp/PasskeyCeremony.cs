namespace ChatOpsApprover.StepUp;

/// <summary>What a page asks the browser to do with a passkey.</summary>
public enum PasskeyCeremony
{
    /// <summary>Create a new passkey (navigator.credentials.create), on the enrollment page.</summary>
    Register,

    /// <summary>Sign with one of the person's passkeys (navigator.credentials.get), on the step-up page.</summary>
    SignIn,
}
