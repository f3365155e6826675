using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Every page a link can lead to, in one place: the forms, the outcomes and each refusal, with what happened and what
/// to do next. Every refusal says that nothing was changed, because nothing was.
/// </summary>
public static class LinkPageViews
{
    // ---- Links that cannot be used ----

    /// <summary>A code form that did not come from the page (no or a stale anti-forgery token), refused before the code is looked at.</summary>
    public static LinkPageView FormNotAccepted() =>
        new(400, LinkPageTone.Problem, "This form could not be accepted", "It did not come from this page, or the page was open too long. Nothing was changed.")
        {
            Next = "Open the link from chat again and enter a fresh code.",
        };

    /// <summary>A code form larger than any the page sends, refused before it is read.</summary>
    public static LinkPageView FormTooLarge(int maxBytes) =>
        new(413, LinkPageTone.Problem, "This form is too large", $"The page sends a few hundred bytes; this was more than {maxBytes / 1024} KB. Nothing was changed.")
        {
            Next = "Open the link from chat again and enter the code on the page.",
        };

    public static LinkPageView Invalid(LinkKind page) =>
        new(404, LinkPageTone.Problem, "This link is not valid", "It may have been cut short or changed on the way. Nothing was changed.")
        {
            Next = "Open the link exactly as it was sent to you in chat. If it still does not work, ask for a new one: " + page switch
            {
                LinkKind.Enrollment => "type jit enroll.",
                LinkKind.StepUp => "type jit confirm <request id> (or, as an approver, click Approve again).",
            },
        };

    public static LinkPageView WrongPage(StoredLink link, LinkKind page) =>
        new(404, LinkPageTone.Problem, "This link does not belong on this page",
            $"It is {Describe(link.Kind)}, opened as {Describe(page)}. Nothing was changed.")
        {
            Next = "Open the link exactly as it was sent to you in chat.",
        };

    public static LinkPageView Used(StoredLink link, DateTimeOffset usedAt) => link.Kind switch
    {
        LinkKind.Enrollment => Ended(link, 410, "This link was already used",
            $"It set up a second factor at {RequestMessages.Time(usedAt)}. A link works only once; nothing was changed.") with
        {
            Next = "Nothing more to do. To replace your second factor, ask an admin: jit admin reset-mfa <you>.",
        },
        LinkKind.StepUp => Ended(link, 410, "This link was already used",
            $"It was used at {RequestMessages.Time(usedAt)}. A link works only once; nothing was changed.") with
        {
            Next = "Nothing more to do here.",
        },
    };

    public static LinkPageView Replaced(StoredLink link) =>
        Ended(link, 410, "This link was replaced", "A newer link was made for the same thing, so this one no longer works. Nothing was changed.");

    public static LinkPageView Expired(StoredLink link) =>
        Ended(link, 410, "This link has expired", $"It worked until {RequestMessages.Time(link.ExpiresAt)}. Nothing was changed.");

    public static LinkPageView Locked(StoredLink link, int maxAttempts) =>
        new(423, LinkPageTone.Problem, "This link is locked", $"It was locked after {maxAttempts} wrong codes, to stop guessing. Nothing else was changed.")
        {
            ForPerson = link.PersonId,
            Next = Renew(link) + " If you did not enter those codes, tell your security team.",
        };

    // ---- The second factor a link needs ----

    /// <summary>Why an enrollment link cannot set up a factor now, or null when it can.</summary>
    public static LinkPageView? EnrollmentProblem(StoredLink link, StoredFactor? factor)
    {
        if (factor is null)
        {
            return new LinkPageView(410, LinkPageTone.Problem, "This link no longer works", "The second factor it was setting up was removed. Nothing was changed.")
            {
                ForPerson = link.PersonId,
                Next = "For a new link, type jit enroll in chat.",
            };
        }

        return factor.Active
            ? new LinkPageView(410, LinkPageTone.Problem, "Your second factor is already set up", "This link cannot replace it. Nothing was changed.")
            {
                ForPerson = link.PersonId,
                Next = "To replace your second factor, ask an admin: jit admin reset-mfa <you>.",
            }
            : null;
    }

    /// <summary>Why a step-up cannot be confirmed with the person's factor now, or null when it can.</summary>
    public static LinkPageView? FactorProblem(StoredLink link, StoredFactor? factor)
    {
        if (factor is not { Active: true })
        {
            return new LinkPageView(409, LinkPageTone.Problem, "You have no second factor",
                $"{link.PersonId} has no second factor set up, so this confirmation cannot be made. Nothing was changed.")
            {
                ForPerson = link.PersonId,
                Next = "Type jit enroll in chat to set one up; a new confirmation link is sent to you as soon as you are done.",
            };
        }

        if (factor.AwaitsApproval)
        {
            return new LinkPageView(409, LinkPageTone.Problem, "Your authenticator awaits an admin's approval",
                $"{link.PersonId}'s second factor was set up, but an admin has not approved it yet, so it cannot confirm anything. Nothing was changed.")
            {
                ForPerson = link.PersonId,
                Next = "Ask an admin to approve your enrollment in the audit channel. A new confirmation link is sent to you in chat as soon as they do.",
            };
        }

        return factor.Locked ? FactorLocked(link) : null;
    }

    /// <summary>
    /// A step-up the person cannot make with what they hold: the role takes only a passkey and they have none, or they
    /// enrolled with a passkey only and this address cannot offer passkeys.
    /// </summary>
    public static LinkPageView PasskeyNeeded(StoredLink link, RoleDefinition role, bool roleDemandsIt) =>
        new(409, LinkPageTone.Problem, "This confirmation needs a passkey",
            (roleDemandsIt
                ? $"{role.Name} accepts only a passkey or security key, and {link.PersonId} has none set up."
                : $"{link.PersonId}'s second factor is a passkey, and this page cannot offer passkeys at this address.") + " Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = roleDemandsIt
                ? $"Ask an admin to reset your second factor (jit admin reset-mfa {link.PersonId}), then type jit enroll and choose a passkey or security key."
                : "Open the link exactly as it was sent to you in chat; if it still fails, tell an admin that StepUp:PublicBaseUrl is not an https address.",
        };

    public static LinkPageView FactorLocked(StoredLink link) =>
        new(423, LinkPageTone.Problem, "Your second factor is locked",
            $"Too many wrong codes were entered for {link.PersonId}, across confirmation links, so the second factor is locked. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = $"Ask an admin to check what happened and reset it with: jit admin reset-mfa {link.PersonId}. Then enroll again.",
        };

    // ---- The request a step-up link confirms ----

    public static LinkPageView RequestGone(StoredLink link) =>
        new(410, LinkPageTone.Problem, "Nothing to confirm", $"Request #{link.RequestId} or its role no longer exists. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = "See your requests in chat with: jit list",
        };

    public static LinkPageView NothingToConfirm(StoredLink link, AccessRequest request) =>
        new(409, LinkPageTone.Problem, "Nothing to confirm",
            $"Request #{request.Id} ({request.RoleName} for {request.PersonId}) is {RequestMessages.Describe(request)}, so a confirmation would change nothing. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = "See your requests in chat with: jit list",
        };

    // ---- Forms ----

    /// <summary>The enrollment form with its secret, shown only at the link's first opening.</summary>
    public static LinkPageView EnrollmentForm(StoredLink link, byte[] secret) =>
        new(200, LinkPageTone.Form, "Set up your second factor",
            "Scan the QR code with an authenticator app (or type the key into it), then enter the 6-digit code it shows to finish.")
        {
            ForPerson = link.PersonId,
            Enrollment = new EnrollmentFacts(Totp.ToBase32(secret), Totp.KeyUri(link.PersonId, secret)),
            CodeForm = true,
            Next = WorksUntil(link),
        };

    /// <summary>Adding a passkey to an active factor: the code from the authenticator app proves it is the person.</summary>
    public static LinkPageView AddPasskeyForm(StoredLink link, string? codeError = null) =>
        new(codeError is null ? 200 : 422, LinkPageTone.Form, "Add a passkey or security key",
            "Enter the 6-digit code your authenticator app shows now, name the new key, and press the button: that proves it is you adding it.")
        {
            ForPerson = link.PersonId,
            CodeError = codeError,
            Next = "If you did not ask for this link, close this page and tell your security team. " + WorksUntil(link),
        };

    /// <summary>An add-a-passkey link opened again, or after a refused attempt: it hands out no second challenge.</summary>
    public static LinkPageView AddPasskeyUsedUp(StoredLink link, string? codeError = null) =>
        new(codeError is null ? 410 : 422, LinkPageTone.Problem, codeError is null ? "This link was already opened" : "Add a passkey or security key",
            "A link to add a passkey works from its first opening only. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            CodeError = codeError,
            Next = "For a fresh link, type jit enroll in chat.",
        };

    public static LinkPageView PasskeyAdded(string personId, string name, string? rememberDevice) =>
        new(200, LinkPageTone.Success, "Your passkey is added",
            $"\"{name}\" can now confirm your access requests and approvals, beside your authenticator app.")
        {
            ForPerson = personId,
            Next = "See your factors in chat with: jit factors. You can close this page.",
            RememberDevice = rememberDevice,
        };

    /// <summary>
    /// The enrollment form once its secret was shown (at the link's first opening): the code can still be entered by
    /// whoever added the key then; anyone else needs a fresh link.
    /// </summary>
    public static LinkPageView EnrollmentCodeOnly(StoredLink link, string? codeError) =>
        new(codeError is null ? 200 : 422, LinkPageTone.Form, codeError is null ? "This link was already opened" : "Set up your second factor",
            "The key and QR code are shown only once, when the link is first opened. If you added them to your authenticator app then, enter the 6-digit code it shows.")
        {
            ForPerson = link.PersonId,
            CodeForm = true,
            CodeError = codeError,
            Next = "If you did not add the key then, or did not open this link yourself, get a fresh link by typing jit enroll (this one stops working). " + WorksUntil(link),
        };

    public static LinkPageView StepUpForm(StoredLink link, AccessRequest request, RoleDefinition role, string? codeError)
    {
        var approvers = request.Approvals.Select(a => a.ApproverId).ToList();
        var (title, message, approverFact, confirming) = link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => (
                $"Confirm your access request #{request.Id}",
                "Access starts only once you confirm with the code from your authenticator app. Check that this is the request you made.",
                request.BreakGlass ? "none: break-glass (announced to the approvers, reviewed afterwards)"
                : approvers.Count == 0 ? "no approval needed (policy)" : string.Join(", ", approvers),
                "your own request"),
            StepUpPurpose.Approver => (
                $"Confirm your approval of request #{request.Id}",
                "Your approval counts only once you confirm it with the code from your authenticator app. Check that this is the request you mean to approve.",
                link.PersonId + " (you)" + (approvers.Count == 0 ? string.Empty : "; already approved by " + string.Join(", ", approvers)),
                "your approval"),
        };
        return new LinkPageView(codeError is null ? 200 : 422, LinkPageTone.Form, title, message)
        {
            ForPerson = link.PersonId,
            Request = new RequestFacts(request.Id, request.PersonId, role.Name, role.Description, DurationText.Format(request.Duration), request.Reason, approverFact, confirming),
            CodeForm = true,
            CodeError = codeError,
            Next = WorksUntil(link),
        };
    }

    /// <summary>The page for a code that was not accepted: the form again with why, or the page of the lock it caused.</summary>
    public static LinkPageView CodeRefused(CodeResult result, StoredLink link, int maxAttempts, Func<string, LinkPageView> formWithError) =>
        (result.Refusal ?? throw new ArgumentException("The code was accepted.", nameof(result))) switch
        {
            CodeRefusal.Malformed => formWithError($"Enter the {Totp.Digits}-digit code your authenticator app shows now (digits only)."),
            CodeRefusal.Wrong => formWithError(AttemptsLeft(
                "That code is not right. Check that you use the entry for ChatOpsApprover and enter the code it shows now.", result.AttemptsLeft)),
            CodeRefusal.Replayed => formWithError(AttemptsLeft(
                "That code was already used. Wait for the next one (codes change every 30 seconds) and enter it.", result.AttemptsLeft)),
            CodeRefusal.PasskeyRefused => formWithError(AttemptsLeft(
                "Your passkey's answer was not accepted: it was for another page or site, was already used, or came without your fingerprint, face or PIN. " + link.Kind switch
                {
                    LinkKind.Enrollment => "To try a passkey again, get a fresh link by typing jit enroll.",
                    LinkKind.StepUp => "Try again from this page.",
                }, result.AttemptsLeft)),
            CodeRefusal.PasskeyCloneSuspected => formWithError(AttemptsLeft(
                "This passkey answered with a signature counter that went backwards, so it may have been copied. It was refused and your security team was alerted; if you did not expect this, tell them.", result.AttemptsLeft)),
            CodeRefusal.PasskeyModelNotAllowed => formWithError(
                "This passkey or security key is not a model your organisation accepts. Use one of the accepted security keys. Nothing was counted."),
            CodeRefusal.PasskeyRequired => formWithError(
                "This role accepts only a passkey or security key, not a code: use your passkey above. Nothing was counted."),
            CodeRefusal.NoAuthenticatorApp => formWithError(
                "You set up a passkey, not an authenticator app, so there is no code to enter: use your passkey above. Nothing was counted."),
            CodeRefusal.LinkLocked => Locked(link, maxAttempts),
            CodeRefusal.FactorLocked => FactorLocked(link),
        };

    // ---- Outcomes ----

    public static LinkPageView Enrolled(string personId, IReadOnlyList<long> confirmationsSent, string? rememberDevice) =>
        new(200, LinkPageTone.Success, "Your second factor is set up",
            "From now on, access you ask for (or approve) starts only after you confirm it with your second factor.")
        {
            ForPerson = personId,
            Next = confirmationsSent.Count > 0
                ? $"A confirmation link for request {string.Join(", ", confirmationsSent.Select(id => "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)))} has been sent to you in chat."
                : "You can close this page.",
            RememberDevice = rememberDevice,
        };

    /// <summary>Enrolled, but (StepUp:EnrollmentApproval = Admin) usable only once an admin approves it.</summary>
    public static LinkPageView EnrolledAwaitingApproval(string personId, IReadOnlyList<long> waitingRequests, string? rememberDevice) =>
        new(200, LinkPageTone.Success, "Your second factor is set up",
            "Before it can be used, an admin must approve it: your authenticator awaits an admin's approval. The admins have been asked in the audit channel.")
        {
            ForPerson = personId,
            Next = (waitingRequests.Count > 0
                ? $"As soon as an admin approves it, a confirmation link for request {string.Join(", ", waitingRequests.Select(id => "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)))} is sent to you in chat."
                : "You are told in chat when an admin approves or refuses it.") + " If you did not set this up yourself, tell your security team now.",
            RememberDevice = rememberDevice,
        };

    public static LinkPageView StepUpRefused(StoredLink link, AccessRequest request, IEnumerable<string> approvers, StepUpRisk risk)
    {
        var contact = string.Join(", ", approvers.Where(a => a != link.PersonId).Order(StringComparer.Ordinal));
        var outcome = link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => $"Request #{request.Id} was not granted.",
            StepUpPurpose.Approver => $"Your approval of request #{request.Id} was not counted.",
        };
        return new LinkPageView(403, LinkPageTone.Problem, "Confirmation refused",
            $"Your code was right, but it came from a {risk.Describe()} that you have not confirmed from before, and {request.RoleName} does not allow that. " + outcome)
        {
            ForPerson = link.PersonId,
            Next = $"Contact an approver of {request.RoleName}{(contact.Length > 0 ? $" ({contact})" : string.Empty)} to confirm it is you; they can help you from a device and network you have used before.",
        };
    }

    public static LinkPageView RequesterConfirmed(StoredLink link, AccessRequest request, RoleDefinition role, StepUpRisk risk, string? rememberDevice) =>
        Confirmed(link, "Confirmed", $"Access to {role.Name} for {DurationText.Format(request.Duration)} (request #{request.Id}) is being granted now.", risk, rememberDevice) with
        {
            Next = "You will get a message in chat when it is active. You can close this page.",
        };

    /// <param name="vote">How the approver's vote was counted: <see cref="DecisionOutcome.Approved"/> or <see cref="DecisionOutcome.Recorded"/>.</param>
    public static LinkPageView ApprovalConfirmed(StoredLink link, AccessRequest request, RoleDefinition role, DecisionOutcome vote, StepUpRisk risk, string? rememberDevice)
    {
        var message = vote switch
        {
            DecisionOutcome.Approved when StepUpRules.RequesterMustConfirm(role) => $"Request #{request.Id} is approved. {request.PersonId} now confirms it with their second factor before access starts.",
            DecisionOutcome.Approved => $"Request #{request.Id} is approved; access is being granted.",
            DecisionOutcome.Recorded => $"Your approval of request #{request.Id} is counted; more approvals are needed.",
            DecisionOutcome.StepUpRequired or DecisionOutcome.Denied or DecisionOutcome.AlreadyDecided or DecisionOutcome.TimedOut or DecisionOutcome.ReasonRequired or DecisionOutcome.DurationNotOffered or DecisionOutcome.AlreadyVotedByYou
                or DecisionOutcome.NotAnApprover or DecisionOutcome.SelfApprovalRefused or DecisionOutcome.UnknownPerson or DecisionOutcome.NotFound =>
                throw new ArgumentOutOfRangeException(nameof(vote), vote, "A confirmed approval is counted as an approval."),
        };
        return Confirmed(link, "Approval confirmed", message, risk, rememberDevice) with { Next = "You can close this page." };
    }

    private static LinkPageView Confirmed(StoredLink link, string title, string message, StepUpRisk risk, string? rememberDevice) =>
        new(200, LinkPageTone.Success, title,
            message + (risk.IsRisky ? $" This confirmation came from a {risk.Describe()}; approvers can see that on the request." : string.Empty))
        {
            ForPerson = link.PersonId,
            RememberDevice = rememberDevice,
        };

    private static LinkPageView Ended(StoredLink link, int status, string title, string message) =>
        new(status, LinkPageTone.Problem, title, message) { ForPerson = link.PersonId, Next = Renew(link) };

    /// <summary>How to get a fresh link for the same thing.</summary>
    private static string Renew(StoredLink link) => link.Kind switch
    {
        LinkKind.Enrollment => "For a new link, type jit enroll in chat.",
        LinkKind.StepUp => link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => $"For a new link, type jit confirm {link.RequestId} in chat.",
            StepUpPurpose.Approver => $"For a new link, click Approve on request #{link.RequestId} again (or type jit confirm {link.RequestId}).",
        },
    };

    private static string Describe(LinkKind kind) => kind switch
    {
        LinkKind.Enrollment => "an enrollment link",
        LinkKind.StepUp => "a confirmation link",
    };

    private static string WorksUntil(StoredLink link) => $"This link works once, until {RequestMessages.Time(link.ExpiresAt)}.";

    private static string AttemptsLeft(string why, int left) => $"{why} {left} attempt{(left == 1 ? string.Empty : "s")} left before this link locks.";
}
