namespace ChatOpsApprover.StepUp;

/// <summary>
/// The passkey form of a link's page: the WebAuthn options handed to the browser (their challenge is kept with the
/// link) and where the answer is posted, relative to the page (&lt;token&gt;/passkey).
/// </summary>
/// <param name="NeedsCode">Whether the form also asks for a code from the authenticator app (adding a passkey to an active factor).</param>
public sealed record PasskeyPrompt(PasskeyCeremony Ceremony, string OptionsJson, string Action, bool NeedsCode = false);
