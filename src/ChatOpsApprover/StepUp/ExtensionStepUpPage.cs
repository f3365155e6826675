using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Observability;
using ChatOpsApprover.Requests;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The step-up page (/stepup/{token}) for a link bound to an extension: an approver confirms their approval of it, or
/// the requester their own extension. <see cref="StepUpPageHandler"/> opens the link and hands it here. The person's
/// passkeys are offered first and a code is taken when the role allows one, checked like any step-up's; once verified
/// the confirmation is counted by <see cref="ExtensionApprovals"/>, which checks the extension rules again, so a
/// confirmation after the access ended changes nothing.
/// </summary>
public sealed class ExtensionStepUpPage(
    RequestStore requests,
    ExtensionStore extensions,
    ExtensionApprovals approvals,
    AccessDirectory directory,
    FactorStore factors,
    CodeVerifier codes,
    PasskeyVerifier passkeyVerifier,
    PasskeyOffer passkeys,
    StepUpVerification verification,
    AuditLog audit,
    ChatNotifications notifications,
    JitMetrics metrics,
    IOptions<StepUpOptions> options)
{
    /// <summary>What the link confirms, and the form; changes nothing but the passkey challenge kept with the link.</summary>
    public async Task<LinkPageView> ShowAsync(NpgsqlConnection connection, StoredLink link, string token)
    {
        var (waiting, problem) = await WaitingAsync(connection, null, link, forUpdate: false);
        if (problem is not null)
        {
            return problem;
        }

        var factor = await factors.FindAsync(connection, null, link.PersonId, forUpdate: false);
        return LinkPageViews.FactorProblem(link, factor) ?? await FormAsync(connection, link, waiting!.Value, factor!, token, codeError: null);
    }

    /// <summary>Checks the code and counts the confirmation. The caller's transaction holds the link's lock; this one takes the request's, the extension's and the factor's, in that order.</summary>
    public async Task<LinkPageView> SubmitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, string? code, ClientInfo client, DateTimeOffset now, string token, CancellationToken cancellationToken)
    {
        var (waiting, factor, problem) = await LockForAnswerAsync(connection, transaction, link);
        if (problem is not null)
        {
            return problem;
        }

        var result = await codes.CheckStepUpAsync(connection, transaction, link, factor!, waiting!.Value.Role, code, client.Address, now);
        return result.Refusal is not null
            ? await RefusedAsync(connection, transaction, result, link, waiting.Value, factor!, token, cancellationToken)
            : await ConfirmAsync(connection, transaction, link, waiting.Value, "totp", client, now, cancellationToken);
    }

    /// <summary>A passkey's answer: when it verifies against the person's stored passkey, the confirmation is counted.</summary>
    public async Task<LinkPageView> SubmitPasskeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, string? credential, ClientInfo client, DateTimeOffset now, string token, CancellationToken cancellationToken)
    {
        var (waiting, factor, problem) = await LockForAnswerAsync(connection, transaction, link);
        if (problem is not null)
        {
            return problem;
        }

        var (result, passkey) = await passkeyVerifier.AssertAsync(connection, transaction, link, credential, client.Address, now, cancellationToken);
        return result.Refusal is not null
            ? await RefusedAsync(connection, transaction, result, link, waiting!.Value, factor!, token, cancellationToken)
            : await ConfirmAsync(connection, transaction, link, waiting!.Value, passkey!.FactorLabel, client, now, cancellationToken);
    }

    private Task<LinkPageView> FormAsync(NpgsqlConnection connection, StoredLink link, (AccessExtension Extension, AccessRequest Request, RoleDefinition Role) waiting, StoredFactor factor, string token, string? codeError) =>
        passkeys.StepUpFormAsync(connection, ExtensionLinkPageViews.Form(link, waiting.Extension, waiting.Request, waiting.Role, codeError), link, waiting.Role, factor, token);

    /// <summary>Commits the counted failure, then shows the form again with why (and a fresh passkey challenge), or the page of the lock it caused.</summary>
    private async Task<LinkPageView> RefusedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CodeResult result, StoredLink link, (AccessExtension Extension, AccessRequest Request, RoleDefinition Role) waiting, StoredFactor factor, string token, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        metrics.StepUpRefused(result.Refusal!.Value);
        LinkPageView? form = null;
        var view = LinkPageViews.CodeRefused(result, link, options.Value.MaxAttempts, error => form = ExtensionLinkPageViews.Form(link, waiting.Extension, waiting.Request, waiting.Role, error));
        return form is null ? view : await FormAsync(connection, link, waiting, factor, token, form.CodeError);
    }

    /// <summary>The factor was accepted: the risk rules are weighed, and the confirmation counted or refused.</summary>
    private async Task<LinkPageView> ConfirmAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, (AccessExtension Extension, AccessRequest Request, RoleDefinition Role) waiting, string factor, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (extension, request, role) = waiting;
        var purpose = link.StepUp.Purpose;
        var verdict = await verification.VerifyAsync(connection, transaction, link, request.Id, role, factor, client, now, ExtensionApprovals.Details(extension));
        if (verdict.Refused)
        {
            // A refused approver's approval is not counted (they may try again from a known device); a refused requester's extension is refused.
            if (purpose == StepUpPurpose.Requester)
            {
                var why = $"the second-factor confirmation came from a {verdict.Risk.Describe()} and {role.Name} refuses that";
                await extensions.DecideAsync(connection, transaction, extension.Id, ExtensionStatus.Refused, "policy", now, why);
                var details = ExtensionApprovals.Details(extension);
                details["why"] = why;
                await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.ExtensionRefused, request.Id, "policy", ChatPlatform.System, now, details));
            }
            else
            {
                await extensions.EndStepUpAsync(connection, transaction, extension.Id, link.PersonId);
            }

            await transaction.CommitAsync(cancellationToken);
            if (purpose == StepUpPurpose.Requester)
            {
                notifications.ExtensionDecided(extension.Id);
            }
            else
            {
                notifications.ExtensionCardsChanged(extension.Id);
            }

            return ExtensionLinkPageViews.Refused(link, extension, request, directory.ApproversOf(role), verdict.Risk);
        }

        // Confirmed on the step-up page, as the audit entry of the confirmation says.
        var decision = purpose switch
        {
            StepUpPurpose.Requester => await approvals.CountRequesterConfirmationAsync(connection, transaction, request, role, extension, ChatPlatform.Web, now),
            StepUpPurpose.Approver => await approvals.CountApprovalAsync(connection, transaction, request, role, extension, link.PersonId, ChatPlatform.Web, now),
        };
        await transaction.CommitAsync(cancellationToken);
        approvals.AfterCommit(request.Id, extension.Id, decision);
        return ExtensionLinkPageViews.Confirmed(link, extension, request, decision, verdict.Risk, verdict.NewDevice);
    }

    /// <summary>For an answer on the link: the request, the extension and the factor, locked in that order; or the page that says why not.</summary>
    private async Task<((AccessExtension Extension, AccessRequest Request, RoleDefinition Role)? Waiting, StoredFactor? Factor, LinkPageView? Problem)> LockForAnswerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link)
    {
        var (waiting, problem) = await WaitingAsync(connection, transaction, link, forUpdate: true);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var factor = await factors.FindAsync(connection, transaction, link.PersonId, forUpdate: true);
        return LinkPageViews.FactorProblem(link, factor) is { } factorProblem ? (null, null, factorProblem) : (waiting, factor, null);
    }

    /// <summary>The extension the link confirms, while it still waits for this person's confirmation and their answer still counts; otherwise the page that says why not.</summary>
    private async Task<((AccessExtension Extension, AccessRequest Request, RoleDefinition Role)? Waiting, LinkPageView? Problem)> WaitingAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoredLink link, bool forUpdate)
    {
        // The request first, then the extension: the same lock order as deciding on or asking for an extension.
        var request = await requests.FindAsync(connection, transaction, link.StepUp.RequestId, forUpdate);
        var extension = await extensions.FindAsync(connection, transaction, link.ExtensionId!.Value, forUpdate);
        var role = request is null ? null : directory.FindRole(request.RoleName);
        var person = directory.FindPerson(link.PersonId);
        if (request is null || extension is null || role is null || person is null || extension.RequestId != request.Id)
        {
            return (null, ExtensionLinkPageViews.Gone(link));
        }

        var stillCounts = link.StepUp.Purpose switch
        {
            StepUpPurpose.Requester => request.PersonId == person.Id,
            StepUpPurpose.Approver => request.PersonId != person.Id && directory.IsApprover(role, person.Id, request) && !extension.ApprovedBy.Contains(person.Id),
        };
        return stillCounts && extension.AwaitsStepUpOf(person.Id)
            ? ((extension, request, role), null)
            : (null, ExtensionLinkPageViews.NothingToConfirm(link, extension, request));
    }
}
