using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Puts the passkey form on a link's page: fresh WebAuthn options whose challenge is kept with the link (replacing
/// any handed out before, so only the latest page's answer can verify), the form's target and the script. Forms on
/// these pages post to explicit paths, since a refused answer is shown at the …/passkey address.
/// </summary>
public sealed class PasskeyOffer(LinkStore links, FactorStore factors, PasskeyStore passkeys, PasskeyRelyingParty relyingParty, IOptions<StepUpOptions> options)
{
    /// <summary>Whether this bot's address can carry passkeys at all (https, or http at localhost).</summary>
    public bool Available => relyingParty.Available;

    /// <summary>The enrollment page with "Use a passkey or security key"; unchanged when passkeys are not available here.</summary>
    /// <param name="needsCode">Adding a passkey to an active factor: the form also asks for a code from the authenticator app.</param>
    public async Task<LinkPageView> RegistrationAsync(NpgsqlConnection connection, LinkPageView view, StoredLink link, string token, bool needsCode = false)
    {
        if (!Available || await factors.UserHandleAsync(connection, null, link.PersonId) is not { } handle)
        {
            return view;
        }

        var json = relyingParty.Registration(link.PersonId, handle, await passkeys.ListAsync(connection, null, link.PersonId)).ToJson();
        await links.SaveWebAuthnOptionsAsync(connection, link.TokenHash, json);
        var offered = WithForm(view, PasskeyCeremony.Register, json, "enroll/", token);
        return offered with { Passkey = offered.Passkey! with { NeedsCode = needsCode } };
    }

    /// <summary>The step-up page with the person's passkeys offered; unchanged when they have none or passkeys are not available here.</summary>
    public async Task<LinkPageView> SignInAsync(NpgsqlConnection connection, LinkPageView view, StoredLink link, IReadOnlyList<StoredPasskey> held, string token)
    {
        if (!Available || held.Count == 0)
        {
            return view;
        }

        var json = relyingParty.Assertion(held).ToJson();
        await links.SaveWebAuthnOptionsAsync(connection, link.TokenHash, json);
        return WithForm(view, PasskeyCeremony.SignIn, json, "stepup/", token);
    }

    /// <summary>
    /// A step-up form for this person and role, whatever it confirms (a request or an extension): their passkeys
    /// first, the code form when the role and their factor allow a code (Roles:&lt;r&gt;:StepUpFactor, an app secret);
    /// the page that says why not when neither is possible.
    /// </summary>
    public async Task<LinkPageView> StepUpFormAsync(NpgsqlConnection connection, LinkPageView form, StoredLink link, RoleDefinition role, StoredFactor factor, string token)
    {
        var held = await passkeys.ListAsync(connection, null, link.PersonId);
        if (!CodeAllowed(role, factor) && (held.Count == 0 || !Available))
        {
            return LinkPageViews.PasskeyNeeded(link, role, roleDemandsIt: role.StepUpFactor == StepUpFactor.Passkey && held.Count == 0) with { CodeError = form.CodeError };
        }

        return await SignInAsync(connection, form with { CodeForm = CodeAllowed(role, factor) }, link, held, token);
    }

    /// <summary>Whether a code may confirm this role's step-ups for this person: the role takes any factor and they have an app secret.</summary>
    public static bool CodeAllowed(RoleDefinition role, StoredFactor factor) => factor.Totp && role.StepUpFactor switch
    {
        StepUpFactor.Any => true,
        StepUpFactor.Passkey => false,
    };

    private LinkPageView WithForm(LinkPageView view, PasskeyCeremony ceremony, string json, string page, string token)
    {
        var basePath = options.Value.BaseUri?.AbsolutePath ?? "/";
        return view with
        {
            Passkey = new PasskeyPrompt(ceremony, json, $"{basePath}{page}{token}/passkey"),
            CodeAction = $"{basePath}{page}{token}",
            Script = basePath + PasskeyScript.Route.TrimStart('/'),
        };
    }
}
