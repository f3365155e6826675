using System.Net;

namespace ChatOpsApprover.StepUp;

/// <summary>Settings under "StepUp".</summary>
public sealed class StepUpOptions
{
    /// <summary>
    /// The address people reach this bot at, e.g. https://jit.example.com; links are built from it. When empty, the
    /// address the server listens on is used (fine on a laptop, wrong behind a proxy).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The parsed <see cref="PublicBaseUrl"/>, ending with a slash; null when it is not set.</summary>
    public Uri? BaseUri => Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri)
        ? new Uri(uri.AbsoluteUri.EndsWith('/') ? uri.AbsoluteUri : uri.AbsoluteUri + "/")
        : null;

    /// <summary>How long a step-up confirmation link works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an enrollment link works: setting up an authenticator app takes longer than typing a code.</summary>
    public TimeSpan EnrollmentLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long an approved request waits for its requester's second factor before the approval lapses (the request
    /// fails): an approval given for an incident must not turn into access hours later.
    /// </summary>
    public TimeSpan ConfirmWithin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Wrong step-up codes in a row, across all of a person's links, before their factor locks (admin reset).</summary>
    public int MaxFactorFailures { get; set; } = 10;

    /// <summary>Wrong codes a link accepts before it locks.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Addresses of reverse proxies in front of the bot. Only from these are X-Forwarded-For and X-Forwarded-Proto
    /// believed, for every endpoint (<see cref="TrustedProxyHeaders"/>), so the address a step-up came from (a risk
    /// signal) is the person's and not the proxy's.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// "None" (the default): a confirmed enrollment can be used at once. "Admin": it waits until an admin (People:&lt;id&gt;:Admin)
    /// approves it from the audit channel, against someone who takes over a chat account that never enrolled.
    /// </summary>
    public string? EnrollmentApproval { get; set; }

    /// <summary>The parsed <see cref="EnrollmentApproval"/>; <see cref="StepUp.EnrollmentApproval.None"/> when unset or unreadable (validation refuses the latter).</summary>
    public EnrollmentApproval Approval => ParseApproval(EnrollmentApproval) ?? StepUp.EnrollmentApproval.None;

    /// <summary>A choice by its name (any case); numbers are not names.</summary>
    private static EnrollmentApproval? ParseApproval(string? value) =>
        value?.Trim() is { Length: > 0 } text && !text.All(char.IsDigit) && Enum.TryParse<EnrollmentApproval>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : null;

    /// <summary>Passkeys and security keys (WebAuthn); their relying party is <see cref="PublicBaseUrl"/>'s host.</summary>
    public PasskeyOptions Passkeys { get; set; } = new();

    /// <summary>
    /// The origin passkeys are bound to (scheme, host and port of <see cref="PublicBaseUrl"/>), or null when the URL
    /// cannot carry passkeys: browsers allow WebAuthn only on https, or on http at localhost, and never for an IP address.
    /// </summary>
    public static Uri? PasskeyOrigin(Uri? baseUri) =>
        baseUri is { HostNameType: UriHostNameType.Dns } uri
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (uri.Host == "localhost" || uri.Host.EndsWith(".localhost", StringComparison.Ordinal))))
            ? new Uri(uri.GetLeftPart(UriPartial.Authority))
            : null;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Passkeys.Validate());
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            errors.Add("StepUp:PublicBaseUrl: must be an absolute http(s) URL without query or fragment, such as https://jit.example.com.");
        }

        if (LinkLifetime < TimeSpan.FromSeconds(30) || LinkLifetime > TimeSpan.FromHours(1))
        {
            errors.Add("StepUp:LinkLifetime: must be between 00:00:30 and 01:00:00 (default 00:05:00).");
        }

        if (EnrollmentLinkLifetime < TimeSpan.FromMinutes(1) || EnrollmentLinkLifetime > TimeSpan.FromHours(24))
        {
            errors.Add("StepUp:EnrollmentLinkLifetime: must be between 00:01:00 and 24:00:00 (default 00:15:00).");
        }

        if (ConfirmWithin < TimeSpan.FromMinutes(1) || ConfirmWithin > TimeSpan.FromHours(24))
        {
            errors.Add("StepUp:ConfirmWithin: must be between 00:01:00 and 24:00:00 (default 01:00:00).");
        }

        if (MaxFactorFailures is < 3 or > 100)
        {
            errors.Add("StepUp:MaxFactorFailures: must be between 3 and 100 (default 10).");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            errors.Add("StepUp:MaxAttempts: must be between 1 and 10 (default 5).");
        }

        if (!string.IsNullOrWhiteSpace(EnrollmentApproval) && ParseApproval(EnrollmentApproval) is null)
        {
            errors.Add($"StepUp:EnrollmentApproval: \"{(EnrollmentApproval.Length > 40 ? EnrollmentApproval[..40] + "…" : EnrollmentApproval)}\" is not a choice; use None (the default: a new enrollment is usable at once) or Admin (an admin approves each new enrollment from the audit channel).");
        }

        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(TrustedProxies[i], out _))
            {
                errors.Add($"StepUp:TrustedProxies:{i}: \"{TrustedProxies[i]}\" is not an IP address.");
            }
        }

        return errors;
    }
}
