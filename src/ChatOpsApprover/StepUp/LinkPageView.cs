namespace ChatOpsApprover.StepUp;

/// <summary>
/// What a link's page shows: one outcome, what it means and what to do next. Built by <see cref="LinkPageViews"/>,
/// rendered by <see cref="LinkPageRenderer"/>.
/// </summary>
public sealed record LinkPageView(int StatusCode, LinkPageTone Tone, string Title, string Message)
{
    /// <summary>What the person should do now.</summary>
    public string? Next { get; init; }

    /// <summary>Whose link this is (shown so someone holding another person's link notices).</summary>
    public string? ForPerson { get; init; }

    public RequestFacts? Request { get; init; }

    public EnrollmentFacts? Enrollment { get; init; }

    /// <summary>Whether to show the code form.</summary>
    public bool CodeForm { get; init; }

    /// <summary>Where the code form posts; null: back to the page's own address.</summary>
    public string? CodeAction { get; init; }

    /// <summary>Why the last code was not accepted, shown above the form.</summary>
    public string? CodeError { get; init; }

    /// <summary>The passkey form (registration or sign-in), shown before the code form; null for none.</summary>
    public PasskeyPrompt? Passkey { get; init; }

    /// <summary>
    /// The path of a script of ours that the page needs, loaded with the page's nonce (the Content-Security-Policy then
    /// allows it and nothing else): <see cref="PasskeyScript"/> on a page with a passkey form.
    /// </summary>
    public string? Script { get; init; }

    /// <summary>A device id to store in the device cookie (after a verified code from a browser without one); not shown.</summary>
    public string? RememberDevice { get; init; }
}
