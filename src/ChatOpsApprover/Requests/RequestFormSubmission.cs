using System.Globalization;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// Checks a submitted request form the way the command's grammar checks typed words: a role offered to this person,
/// a duration offered on the form, a reason of acceptable length. Policy (RequestAccess) then checks the rest.
/// </summary>
public static class RequestFormSubmission
{
    /// <summary>The request to make, or the problems by field (then nothing is requested).</summary>
    public static (RequestAccessInput? Input, IReadOnlyDictionary<string, string> Errors) Check(RequestFormValues values, IReadOnlyList<RoleDefinition> mayRequest)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var role = mayRequest.FirstOrDefault(r => r.Name == values.Role?.Trim());
        if (role is null)
        {
            errors[RequestForm.RoleField] = string.IsNullOrWhiteSpace(values.Role)
                ? "Pick the role you need."
                : $"\"{values.Role}\" is not a role you may request; pick one from the list.";
        }

        TimeSpan? duration = long.TryParse(values.DurationSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && RequestForm.DurationsFor(mayRequest).Contains(TimeSpan.FromSeconds(seconds))
                ? TimeSpan.FromSeconds(seconds)
                : null;
        if (duration is null)
        {
            errors[RequestForm.DurationField] = "Pick how long you need it from the list.";
        }
        else if (role is not null && duration > role.MaxDuration)
        {
            errors[RequestForm.DurationField] = $"{role.Name} can be granted for at most {DurationText.Format(role.MaxDuration)}; pick a shorter duration.";
        }

        var reason = values.Reason?.Trim() ?? string.Empty;
        if (reason.Length == 0)
        {
            errors[RequestForm.ReasonField] = "Say why you need it, so approvers and auditors know (e.g. fix INC-1234).";
        }
        else if (reason.Length > JitCommandParser.MaxReasonLength)
        {
            errors[RequestForm.ReasonField] = $"The reason is {reason.Length} characters long; keep it under {JitCommandParser.MaxReasonLength}.";
        }

        return errors.Count > 0 ? (null, errors) : (new RequestAccessInput(role!.Name, duration!.Value, reason), errors);
    }
}
