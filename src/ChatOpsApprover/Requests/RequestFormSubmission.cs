using System.Globalization;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Checks a submitted request form (Slack's modal, Teams' card) the way the command's grammar checks typed words: a
/// role picked, a duration picked and within that role's maximum, a reason of acceptable length. Who may request which
/// role is policy's to say (RequestAccess), with the same words as for the command.
/// </summary>
public static class RequestFormSubmission
{
    /// <summary>The request to make, or the problems by field (then nothing is requested).</summary>
    public static (RequestAccessInput? Input, IReadOnlyDictionary<string, string> Errors) Check(RequestFormValues values, Func<string, RoleDefinition?> findRole)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var roleName = values.Role?.Trim();
        if (string.IsNullOrEmpty(roleName))
        {
            errors[RequestForm.RoleField] = "Pick the role you need.";
        }

        TimeSpan? duration = long.TryParse(values.DurationSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 366 * 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;
        if (duration is null)
        {
            errors[RequestForm.DurationField] = "Pick how long you need it.";
        }
        else if (!string.IsNullOrEmpty(roleName) && findRole(roleName) is { } role && duration > role.MaxDuration)
        {
            errors[RequestForm.DurationField] = $"{role.Name} can be granted for at most {DurationText.Format(role.MaxDuration)}; pick a shorter duration.";
        }

        var reason = values.Reason?.Trim() ?? string.Empty;
        if (reason.Length == 0)
        {
            errors[RequestForm.ReasonField] = "A reason is required so approvers and auditors know why.";
        }
        else if (reason.Length > JitCommandParser.MaxReasonLength)
        {
            errors[RequestForm.ReasonField] = $"The reason is {reason.Length} characters long; keep it under {JitCommandParser.MaxReasonLength}.";
        }

        return errors.Count > 0 ? (null, errors) : (new RequestAccessInput(roleName!, duration!.Value, reason), errors);
    }
}
