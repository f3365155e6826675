using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Hangfire;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Opens links and checks codes. Every refusal (a bad, expired, used, replaced, locked or foreign link; a request that
/// moved on) changes nothing; a wrong code only counts against the link. A valid code is used at most once.
/// </summary>
public sealed class StepUpVerifier(
    StepUpStore store,
    RequestStore requests,
    AccessDirectory directory,
    FactorSecrets secrets,
    AuditLog audit,
    Approvals approvals,
    ChatNotifications notifications,
    IBackgroundJobClient jobs,
    IOptions<StepUpOptions> options,
    TimeProvider time)
{
    private int MaxAttempts => options.Value.MaxAttempts;

    /// <summary>GET: what the link is for, and the form; never changes anything.</summary>
    public async Task<PageModel> ShowAsync(LinkPage page, string token, CancellationToken cancellationToken)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        var (link, problem) = await OpenAsync(connection, null, page, token, forUpdate: false);
        if (problem is not null)
        {
            return problem;
        }

        var factor = await store.FindFactorAsync(connection, null, link!.PersonId, forUpdate: false);
        if (page == LinkPage.Enroll)
        {
            return EnrollmentProblem(link, factor) ?? EnrollForm(link, factor!, codeError: null);
        }

        var (request, role, requestProblem) = await RequestForAsync(connection, null, link, forUpdate: false);
        return requestProblem ?? FactorProblem(link, factor) ?? StepUpForm(link, request!, role!, codeError: null);
    }

    /// <summary>POST: checks the code and, when it is right, does what the link was for.</summary>
    public async Task<PageModel> SubmitAsync(LinkPage page, string token, string? code, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Lock order: link, then request, then factor. Racing submissions of one link queue on the first lock.
        var (link, problem) = await OpenAsync(connection, transaction, page, token, forUpdate: true);
        if (problem is not null)
        {
            return problem;
        }

        AccessRequest? request = null;
        RoleDefinition? role = null;
        if (page == LinkPage.StepUp)
        {
            (request, role, problem) = await RequestForAsync(connection, transaction, link!, forUpdate: true);
            if (problem is not null)
            {
                return problem;
            }
        }

        var factor = await store.FindFactorAsync(connection, transaction, link!.PersonId, forUpdate: true);
        problem = page == LinkPage.Enroll ? EnrollmentProblem(link, factor) : FactorProblem(link, factor);
        if (problem is not null)
        {
            return problem;
        }

        PageModel Again(string error) => page == LinkPage.Enroll ? EnrollForm(link, factor!, error) : StepUpForm(link, request!, role!, error);

        code = code?.Replace(" ", string.Empty, StringComparison.Ordinal).Trim();
        var secret = secrets.Unprotect(factor!.PersonId, factor.SecretProtected);
        CodeCheck check;
        try
        {
            check = Totp.Check(secret, code, now, factor.LastUsedStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        if (check.Verdict == CodeVerdict.Malformed)
        {
            // Not a guess at all: nothing is counted.
            return Again($"Enter the {Totp.Digits}-digit code your authenticator app shows now (digits only).");
        }

        // The conditional update is what makes a step single-use when two submissions race; the check above only explains.
        if (check.Verdict == CodeVerdict.Accepted && page == LinkPage.StepUp && !await store.UseStepAsync(connection, transaction, factor.PersonId, check.Step))
        {
            check = check with { Verdict = CodeVerdict.Replayed };
        }

        if (check.Verdict != CodeVerdict.Accepted && page == LinkPage.StepUp
            && await store.CountFactorFailureAsync(connection, transaction, factor.PersonId, options.Value.MaxFactorFailures, now))
        {
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaLocked, link.RequestId, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
            {
                ["scope"] = "factor",
                ["failures"] = options.Value.MaxFactorFailures.ToString(CultureInfo.InvariantCulture),
                ["address"] = client.Address,
            }));
            await transaction.CommitAsync(cancellationToken);
            return FactorLocked(link);
        }

        if (check.Verdict != CodeVerdict.Accepted)
        {
            var attempts = await store.CountWrongCodeAsync(connection, transaction, link.TokenHash, MaxAttempts, now);
            if (Totp.IsLockedAfter(attempts, MaxAttempts))
            {
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaLocked, link.RequestId, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
                {
                    ["purpose"] = StepUpStore.Name(link.Purpose),
                    ["attempts"] = attempts.ToString(CultureInfo.InvariantCulture),
                    ["address"] = client.Address,
                }));
                await transaction.CommitAsync(cancellationToken);
                return Locked(link);
            }

            await transaction.CommitAsync(cancellationToken);
            var left = MaxAttempts - attempts;
            var why = check.Verdict == CodeVerdict.Replayed
                ? "That code was already used. Wait for the next one (codes change every 30 seconds) and enter it."
                : "That code is not right. Check that you use the entry for ChatOpsApprover and enter the code it shows now.";
            return Again($"{why} {left} attempt{(left == 1 ? string.Empty : "s")} left before this link locks.");
        }

        if (page == LinkPage.StepUp)
        {
            await store.ClearFactorFailuresAsync(connection, transaction, factor.PersonId);
        }

        var deviceHash = client.DeviceId is null ? null : DeviceHash(client.DeviceId);
        var risk = await store.RiskAsync(connection, transaction, link.PersonId, deviceHash, client.Address);
        return page == LinkPage.Enroll
            ? await CompleteEnrollmentAsync(connection, transaction, link, check.Step, client, now, cancellationToken)
            : await CompleteStepUpAsync(connection, transaction, link, request!, role!, risk, client, now, cancellationToken);
    }

    private async Task<PageModel> CompleteEnrollmentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, long step, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await store.ActivateFactorAsync(connection, transaction, link.PersonId, step, now);
        await store.MarkLinkUsedAsync(connection, transaction, link.TokenHash, now);

        // The device and network that enrolled are the person's first known ones.
        var device = client.DeviceId ?? NewDeviceId();
        await store.RememberAsync(connection, transaction, link.PersonId, DeviceHash(device), client.Address, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaEnrolled, null, link.PersonId, ChatPlatform.Web, now, new Dictionary<string, string>
        {
            ["address"] = client.Address,
        }));
        await transaction.CommitAsync(cancellationToken);

        var waiting = await StillWaitingForAsync(link.PersonId);
        foreach (var (requestId, purpose, platform) in waiting)
        {
            jobs.Enqueue<StepUpJobs>(j => j.SendLinkAsync(requestId, link.PersonId, purpose, platform, null, null, CancellationToken.None));
        }

        return new PageModel(200, PageTone.Success, "Your second factor is set up",
            "From now on, access you ask for (or approve) starts only after you confirm it with a code from your authenticator app.")
        {
            ForPerson = link.PersonId,
            Next = waiting.Count > 0
                ? $"A confirmation link for request {string.Join(", ", waiting.Select(w => "#" + w.RequestId.ToString(CultureInfo.InvariantCulture)))} has been sent to you in chat."
                : "You can close this page.",
            RememberDevice = client.DeviceId is null ? device : null,
        };
    }

    /// <summary>Confirmations waiting for this person on requests that can still go ahead.</summary>
    private async Task<List<(long RequestId, StepUpPurpose Purpose, ChatPlatform Platform)>> StillWaitingForAsync(string personId)
    {
        var waiting = await store.WaitingForAsync(personId);
        var statuses = await requests.StatusesAsync(waiting.Select(w => w.RequestId).Distinct().ToList());
        return waiting.Where(w => statuses.TryGetValue(w.RequestId, out var status) && status == StepUpRules.Awaits(w.Purpose)).ToList();
    }

    private async Task<PageModel> CompleteStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, AccessRequest request, RoleDefinition role, StepUpRisk risk, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purpose = link.Purpose == LinkPurpose.Requester ? StepUpPurpose.Requester : StepUpPurpose.Approver;
        await store.MarkLinkUsedAsync(connection, transaction, link.TokenHash, now);
        var details = new Dictionary<string, string>
        {
            ["purpose"] = StepUpStore.Name(purpose),
            ["new_device"] = risk.NewDevice ? "true" : "false",
            ["new_network"] = risk.NewNetwork ? "true" : "false",
            ["address"] = client.Address,
        };

        if (StepUpRules.Refuses(role, risk))
        {
            await store.FinishAsync(connection, transaction, request.Id, link.PersonId, purpose, StepUpState.Refused, risk, now);
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpRefused, request.Id, link.PersonId, ChatPlatform.Web, now, details));
            if (purpose == StepUpPurpose.Requester)
            {
                var reason = $"the second-factor confirmation came from a {risk.Describe()} and {role.Name} refuses that";
                await requests.MoveAsync(connection, transaction, request, RequestStatus.Failed, new StatusChange(EndedAt: now, FailureReason: reason));
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.GrantFailed, request.Id, "policy", ChatPlatform.System, now,
                    new Dictionary<string, string> { ["reason"] = reason }));
            }

            await transaction.CommitAsync(cancellationToken);

            // A failed request is news for its requester; a refused approval changes only the card.
            if (purpose == StepUpPurpose.Requester)
            {
                notifications.RequestsChanged([request.Id]);
            }
            else
            {
                notifications.CardsChanged(request.Id);
            }

            var contact = string.Join(", ", role.Approvers.Where(a => a != link.PersonId));
            return new PageModel(403, PageTone.Problem, "Confirmation refused",
                $"Your code was right, but it came from a {risk.Describe()} that you have not confirmed from before, and {role.Name} does not allow that. " +
                (purpose == StepUpPurpose.Requester ? $"Request #{request.Id} was not granted." : $"Your approval of request #{request.Id} was not counted."))
            {
                ForPerson = link.PersonId,
                Next = $"Contact an approver of {role.Name}{(contact.Length > 0 ? $" ({contact})" : string.Empty)} to confirm it is you; they can help you from a device and network you have used before.",
            };
        }

        await store.FinishAsync(connection, transaction, request.Id, link.PersonId, purpose, StepUpState.Verified, risk, now);
        var device = client.DeviceId ?? NewDeviceId();
        await store.RememberAsync(connection, transaction, link.PersonId, DeviceHash(device), client.Address, now);
        await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.StepUpVerified, request.Id, link.PersonId, ChatPlatform.Web, now, details));

        PageModel done;
        if (purpose == StepUpPurpose.Requester)
        {
            await transaction.CommitAsync(cancellationToken);
            approvals.StartGrant(request.Id);
            notifications.CardsChanged(request.Id);
            done = new PageModel(200, PageTone.Success, "Confirmed",
                $"Access to {role.Name} for {DurationText.Format(request.Duration)} (request #{request.Id}) is being granted now.")
            {
                Next = "You will get a message in chat when it is active. You can close this page.",
            };
        }
        else
        {
            var platform = await store.AskedOnAsync(connection, transaction, request.Id, link.PersonId, StepUpPurpose.Approver) ?? ChatPlatform.Web;
            var outcome = await approvals.CountVoteAsync(connection, transaction, request, role, new Decision(link.PersonId, true, now, platform), risk);
            await transaction.CommitAsync(cancellationToken);
            approvals.AfterCommit(request, role, outcome);
            done = new PageModel(200, PageTone.Success, "Approval confirmed", outcome switch
            {
                DecisionOutcome.Approved when StepUpRules.RequesterMustConfirm(role) => $"Request #{request.Id} is approved. {request.PersonId} now confirms it with their second factor before access starts.",
                DecisionOutcome.Approved => $"Request #{request.Id} is approved; access is being granted.",
                _ => $"Your approval of request #{request.Id} is counted; more approvals are needed.",
            })
            {
                Next = "You can close this page.",
            };
        }

        return done with
        {
            ForPerson = link.PersonId,
            Message = done.Message + (risk.IsRisky ? $" This confirmation came from a {risk.Describe()}; approvers can see that on the request." : string.Empty),
            RememberDevice = client.DeviceId is null ? device : null,
        };
    }

    // ---- Checks that refuse without changing anything ----

    private async Task<(StoredLink? Link, PageModel? Problem)> OpenAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, LinkPage page, string token, bool forUpdate)
    {
        var invalid = new PageModel(404, PageTone.Problem, "This link is not valid",
            "It may have been cut short or changed on the way. Nothing was changed.")
        {
            Next = "Open the link exactly as it was sent to you in chat. If it still does not work, ask for a new one: " +
                   (page == LinkPage.Enroll ? "type jit enroll." : "type jit confirm <request id> (or, as an approver, click Approve again)."),
        };
        if (!LinkToken.IsWellFormed(token))
        {
            return (null, invalid);
        }

        var link = await store.FindLinkAsync(connection, transaction, LinkToken.Hash(token), forUpdate);
        if (link is null)
        {
            return (null, invalid);
        }

        if ((page == LinkPage.Enroll) != (link.Purpose == LinkPurpose.Enroll))
        {
            return (null, new PageModel(404, PageTone.Problem, "This link does not belong on this page",
                $"It is {(link.Purpose == LinkPurpose.Enroll ? "an enrollment link" : "a confirmation link")}, opened as {(page == LinkPage.Enroll ? "an enrollment link" : "a confirmation link")}. Nothing was changed.")
            {
                Next = "Open the link exactly as it was sent to you in chat.",
            });
        }

        var now = time.GetUtcNow();
        var again = Renew(link);
        PageModel Ended(int status, string title, string message) => new(status, PageTone.Problem, title, message) { ForPerson = link.PersonId, Next = again };
        if (link.UsedAt is not null)
        {
            return (null, Ended(410, "This link was already used",
                link.Purpose == LinkPurpose.Enroll
                    ? $"It set up a second factor at {RequestMessages.Time(link.UsedAt.Value)}. A link works only once; nothing was changed."
                    : $"It was used at {RequestMessages.Time(link.UsedAt.Value)}. A link works only once; nothing was changed.") with
            {
                Next = link.Purpose == LinkPurpose.Enroll ? "Nothing more to do. To replace your second factor, ask an admin: jit admin reset-mfa <you>." : "Nothing more to do here.",
            });
        }

        if (link.LockedAt is not null)
        {
            return (null, Locked(link));
        }

        if (link.SupersededAt is not null)
        {
            return (null, Ended(410, "This link was replaced", "A newer link was made for the same thing, so this one no longer works. Nothing was changed."));
        }

        if (now >= link.ExpiresAt)
        {
            return (null, Ended(410, "This link has expired", $"It worked until {RequestMessages.Time(link.ExpiresAt)}. Nothing was changed."));
        }

        return (link, null);
    }

    private PageModel Locked(StoredLink link) =>
        new(423, PageTone.Problem, "This link is locked", $"It was locked after {MaxAttempts} wrong codes, to stop guessing. Nothing else was changed.")
        {
            ForPerson = link.PersonId,
            Next = Renew(link) + " If you did not enter those codes, tell your security team.",
        };

    private static string Renew(StoredLink link) => link.Purpose switch
    {
        LinkPurpose.Enroll => "For a new link, type jit enroll in chat.",
        LinkPurpose.Requester => $"For a new link, type jit confirm {link.RequestId} in chat.",
        LinkPurpose.Approver => $"For a new link, click Approve on request #{link.RequestId} again (or type jit confirm {link.RequestId}).",
    };

    private static PageModel? EnrollmentProblem(StoredLink link, StoredFactor? factor) => factor switch
    {
        null => new PageModel(410, PageTone.Problem, "This link no longer works",
            "The second factor it was setting up was removed. Nothing was changed.")
        { ForPerson = link.PersonId, Next = "For a new link, type jit enroll in chat." },
        { Active: true } => new PageModel(410, PageTone.Problem, "Your second factor is already set up",
            "This link cannot replace it. Nothing was changed.")
        { ForPerson = link.PersonId, Next = "To replace your second factor, ask an admin: jit admin reset-mfa <you>." },
        _ => null,
    };

    private static PageModel? FactorProblem(StoredLink link, StoredFactor? factor) => factor switch
    {
        { Active: true, Locked: false } => null,
        { Active: true, Locked: true } => FactorLocked(link),
        _ => NoFactor(link),
    };

    private static PageModel FactorLocked(StoredLink link) =>
        new PageModel(423, PageTone.Problem, "Your second factor is locked",
            $"Too many wrong codes were entered for {link.PersonId}, across confirmation links, so the second factor is locked. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = $"Ask an admin to check what happened and reset it with: jit admin reset-mfa {link.PersonId}. Then enroll again.",
        };

    private static PageModel NoFactor(StoredLink link) =>
        new PageModel(409, PageTone.Problem, "You have no second factor",
            $"{link.PersonId} has no second factor set up, so this confirmation cannot be made. Nothing was changed.")
        {
            ForPerson = link.PersonId,
            Next = "Type jit enroll in chat to set one up; a new confirmation link is sent to you as soon as you are done.",
        };

    private async Task<(AccessRequest? Request, RoleDefinition? Role, PageModel? Problem)> RequestForAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoredLink link, bool forUpdate)
    {
        var request = await requests.FindAsync(connection, transaction, link.RequestId!.Value, forUpdate);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        var approver = directory.FindPerson(link.PersonId);
        if (request is null || role is null || approver is null)
        {
            return (null, null, new PageModel(410, PageTone.Problem, "Nothing to confirm",
                $"Request #{link.RequestId} or its role no longer exists. Nothing was changed.")
            { ForPerson = link.PersonId, Next = "See your requests in chat with: jit list" });
        }

        var purpose = link.Purpose == LinkPurpose.Requester ? StepUpPurpose.Requester : StepUpPurpose.Approver;
        var stillCounts = purpose == StepUpPurpose.Requester
            ? request.PersonId == link.PersonId
            : AccessPolicy.CheckDecision(request, role, approver) == DecisionOutcome.Recorded;
        if (!stillCounts || !StepUpMessenger.IsWaiting(request, link.PersonId, purpose))
        {
            return (null, null, new PageModel(409, PageTone.Problem, "Nothing to confirm",
                $"Request #{request.Id} ({request.RoleName} for {request.PersonId}) is {RequestMessages.Describe(request)}, so a confirmation would change nothing. Nothing was changed.")
            {
                ForPerson = link.PersonId,
                Next = "See your requests in chat with: jit list",
            });
        }

        return (request, role, null);
    }

    // ---- Forms ----

    private PageModel EnrollForm(StoredLink link, StoredFactor factor, string? codeError)
    {
        var secret = secrets.Unprotect(link.PersonId, factor.SecretProtected);
        try
        {
            return new PageModel(codeError is null ? 200 : 422, PageTone.Form, "Set up your second factor",
                "Scan the QR code with an authenticator app (or type the key into it), then enter the 6-digit code it shows to finish.")
            {
                ForPerson = link.PersonId,
                Enrollment = new EnrollmentFacts(Totp.ToBase32(secret), Totp.KeyUri(link.PersonId, secret)),
                CodeForm = true,
                CodeError = codeError,
                Next = $"This link works once, until {RequestMessages.Time(link.ExpiresAt)}.",
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static PageModel StepUpForm(StoredLink link, AccessRequest request, RoleDefinition role, string? codeError)
    {
        var requester = link.Purpose == LinkPurpose.Requester;
        var approvers = request.Approvals.Select(a => a.ApproverId).ToList();
        return new PageModel(codeError is null ? 200 : 422, PageTone.Form,
            requester ? $"Confirm your access request #{request.Id}" : $"Confirm your approval of request #{request.Id}",
            requester
                ? "Access starts only once you confirm with the code from your authenticator app. Check that this is the request you made."
                : "Your approval counts only once you confirm it with the code from your authenticator app. Check that this is the request you mean to approve.")
        {
            ForPerson = link.PersonId,
            Request = new RequestFacts(
                request.Id,
                request.PersonId,
                role.Name,
                role.Description,
                DurationText.Format(request.Duration),
                request.Reason,
                requester
                    ? (approvers.Count == 0 ? "no approval needed (policy)" : string.Join(", ", approvers))
                    : link.PersonId + " (you)" + (approvers.Count == 0 ? string.Empty : "; already approved by " + string.Join(", ", approvers)),
                requester ? "your own request" : "your approval"),
            CodeForm = true,
            CodeError = codeError,
            Next = $"This link works once, until {RequestMessages.Time(link.ExpiresAt)}.",
        };
    }

    public static byte[] DeviceHash(string deviceId) => SHA256.HashData(Encoding.ASCII.GetBytes(deviceId));

    public static string NewDeviceId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
}
