using System.Globalization;
using System.Security.Cryptography;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Checks a code entered on a link's page, in the caller's transaction, which holds the link's and the factor's locks.
/// A wrong code counts against the link, which locks after StepUp:MaxAttempts; on a step-up also against the factor,
/// which locks after StepUp:MaxFactorFailures across links; each lock is audited (mfa.locked). On a step-up a right
/// code is used at most once.
/// </summary>
public sealed class CodeVerifier(LinkStore links, FactorStore factors, FactorSecrets secrets, AuditLog audit, IOptions<StepUpOptions> options)
{
    /// <summary>
    /// A code on a step-up link for <paramref name="role"/>: a role that takes passkeys only refuses any code before it
    /// is looked at (not a guess, nothing counted); otherwise the code is checked as <see cref="CheckAsync"/> does.
    /// </summary>
    public async Task<CodeResult> CheckStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, StoredFactor factor, RoleDefinition role, string? code, string address, DateTimeOffset now) => role.StepUpFactor switch
    {
        StepUpFactor.Any => await CheckAsync(connection, transaction, link, factor, code, address, now),
        StepUpFactor.Passkey => CodeResult.Refused(CodeRefusal.PasskeyRequired),
    };

    /// <param name="confirmsFactor">
    /// True when the code proves an active factor on an enrollment link (adding a passkey): then, as on a step-up, the
    /// code is used up and a wrong one counts against the factor too.
    /// </param>
    public async Task<CodeResult> CheckAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, StoredFactor factor, string? code, string address, DateTimeOffset now, bool confirmsFactor = false)
    {
        if (factor is { Active: true, Totp: false })
        {
            // Enrolled with a passkey: the app's secret was never confirmed, so no code is one.
            return CodeResult.Refused(CodeRefusal.NoAuthenticatorApp);
        }

        var check = Judge(factor, code?.Replace(" ", string.Empty, StringComparison.Ordinal).Trim(), now);
        if (check.Verdict == CodeVerdict.Malformed)
        {
            // Not a guess at all: nothing is counted.
            return CodeResult.Refused(CodeRefusal.Malformed);
        }

        // Enrollment records the step of its first code when it activates the factor, and a pending factor cannot be
        // locked: only step-ups use steps up and count against the factor.
        var stepUp = confirmsFactor || link.Kind switch
        {
            LinkKind.Enrollment => false,
            LinkKind.StepUp => true,
        };

        // The conditional update is what makes a step single-use when two submissions race; the check above only explains.
        if (check.Verdict == CodeVerdict.Accepted && stepUp && !await factors.UseStepAsync(connection, transaction, factor.PersonId, check.Step))
        {
            check = check with { Verdict = CodeVerdict.Replayed };
        }

        if (check.Verdict == CodeVerdict.Accepted)
        {
            if (stepUp)
            {
                await factors.ClearFailuresAsync(connection, transaction, factor.PersonId);
            }

            return CodeResult.Accepted(check.Step);
        }

        return await RefuseAsync(connection, transaction, link, factor.PersonId, check.Verdict == CodeVerdict.Replayed ? CodeRefusal.Replayed : CodeRefusal.Wrong, address, now, stepUp);
    }

    /// <summary>
    /// Counts a failed confirmation (a wrong or replayed code, a refused passkey) against the link and, on a step-up,
    /// against the person's factor; returns the refusal, or the lock it caused (audited).
    /// </summary>
    /// <param name="againstFactor">Whether it also counts against the factor; by default, on a step-up only.</param>
    public async Task<CodeResult> RefuseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, string personId, CodeRefusal refusal, string address, DateTimeOffset now, bool? againstFactor = null)
    {
        var stepUp = againstFactor ?? link.Kind switch
        {
            LinkKind.Enrollment => false,
            LinkKind.StepUp => true,
        };
        var maxFailures = options.Value.MaxFactorFailures;
        if (stepUp && await factors.CountFailureAsync(connection, transaction, personId, maxFailures, now))
        {
            await AuditLockAsync(connection, transaction, link, now, new Dictionary<string, string>
            {
                ["scope"] = "factor",
                ["failures"] = maxFailures.ToString(CultureInfo.InvariantCulture),
                ["address"] = address,
            });
            return CodeResult.Refused(CodeRefusal.FactorLocked);
        }

        var maxAttempts = options.Value.MaxAttempts;
        var attempts = await links.CountWrongCodeAsync(connection, transaction, link.TokenHash, maxAttempts, now);
        if (Totp.IsLockedAfter(attempts, maxAttempts))
        {
            await AuditLockAsync(connection, transaction, link, now, new Dictionary<string, string>
            {
                ["purpose"] = PurposeNames.OfLink(link.Purpose),
                ["attempts"] = attempts.ToString(CultureInfo.InvariantCulture),
                ["address"] = address,
            });
            return CodeResult.Refused(CodeRefusal.LinkLocked);
        }

        return CodeResult.Refused(refusal, maxAttempts - attempts);
    }

    private CodeCheck Judge(StoredFactor factor, string? code, DateTimeOffset now)
    {
        var secret = secrets.Unprotect(factor.PersonId, factor.SecretProtected);
        try
        {
            return Totp.Check(secret, code, now, factor.LastUsedStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private Task AuditLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredLink link, DateTimeOffset now, Dictionary<string, string> details) =>
        audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.MfaLocked, link.RequestId, link.PersonId, ChatPlatform.Web, now, details));
}
