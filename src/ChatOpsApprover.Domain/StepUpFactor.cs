namespace ChatOpsApprover.Domain;

/// <summary>Which second factors may confirm a role's step-ups (Roles:&lt;name&gt;:StepUpFactor).</summary>
public enum StepUpFactor
{
    /// <summary>A passkey or a code from the authenticator app. The default.</summary>
    Any,

    /// <summary>Only a passkey or security key: phishing-resistant, since its answer is bound to the bot's own origin.</summary>
    Passkey,
}
