namespace ChatOpsApprover.StepUp;

/// <summary>Why a code entered on a link's page was not accepted. Each has its own page (<see cref="LinkPageViews.CodeRefused"/>).</summary>
public enum CodeRefusal
{
    /// <summary>Not six digits: not a guess, so nothing was counted.</summary>
    Malformed,

    /// <summary>Not the code for now; counted against the link (and, on a step-up, against the factor).</summary>
    Wrong,

    /// <summary>Right, but for a time step already used; counted like a wrong code.</summary>
    Replayed,

    /// <summary>
    /// A passkey's answer that did not verify (wrong challenge or origin, no user verification, a bad signature, a
    /// passkey not the person's, a challenge already used); counted like a wrong code.
    /// </summary>
    PasskeyRefused,

    /// <summary>
    /// A passkey's signature counter went backwards: it may have been copied. Refused, counted like a wrong code, and
    /// alerted (mfa.passkey_clone_suspected).
    /// </summary>
    PasskeyCloneSuspected,

    /// <summary>A passkey whose model StepUp:Passkeys:AllowedAaguids does not list (RequireAttestation): nothing counted.</summary>
    PasskeyModelNotAllowed,

    /// <summary>A code, where the role accepts only a passkey (Roles:&lt;r&gt;:StepUpFactor = Passkey): not a guess, nothing counted.</summary>
    PasskeyRequired,

    /// <summary>A code from a person who enrolled with a passkey only, so has no authenticator app: nothing counted.</summary>
    NoAuthenticatorApp,

    /// <summary>This wrong code was the link's last allowed one: the link is locked.</summary>
    LinkLocked,

    /// <summary>This wrong code was the factor's last allowed one, across links: the factor is locked until an admin resets it.</summary>
    FactorLocked,
}
