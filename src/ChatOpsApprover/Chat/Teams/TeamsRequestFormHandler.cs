using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// The Teams request form: shown for "jit request" without arguments in the 1:1 chat and by the welcome message's
/// button; its submission is checked like the command and, when it passes, requested exactly as the command would.
/// A refused submission comes back as the same form, values kept, each problem under its field.
/// </summary>
public sealed class TeamsRequestFormHandler(AccessDirectory directory, ListRoles roles, RequestAccess requestAccess)
{
    private const string Refused = "Nothing was requested yet: correct what is marked below.";

    /// <summary>Whether the typed command asks for the form: "request" and nothing else.</summary>
    public static bool IsAskedFor(string commandText) => commandText.Trim().Equals("request", StringComparison.OrdinalIgnoreCase);

    /// <summary>The empty form for the person behind <paramref name="aadObjectId"/>; null when the bot does not know them.</summary>
    public RequestForm? FormFor(string aadObjectId) =>
        directory.FindByChatUser(new ChatUser(TeamsChat.Key, aadObjectId)) is { } person ? RequestForm.Empty(roles.List(person)) : null;

    /// <summary>The form's buttons: "Request access" on the welcome message shows it; its own button submits it.</summary>
    public async Task<IResult> ClickAsync(TeamsActivity activity, string verb, CancellationToken cancellationToken)
    {
        if (activity.FromAadObjectId is not { } aad)
        {
            return TeamsInvokeResponse.Error(400, "BadRequest", "The card action does not say who clicked (from.aadObjectId).");
        }

        if (verb == TeamsRequestForm.OpenVerb)
        {
            return FormFor(aad) is { } form
                ? TeamsInvokeResponse.Card(TeamsRequestForm.Render(form))
                : TeamsInvokeResponse.Message(RequestMessages.ForDecision(DecisionOutcome.UnknownPerson, 0));
        }

        return await SubmitAsync(activity, aad, cancellationToken);
    }

    /// <summary>Answers the form's submit button: the form again with what was wrong, or what the request became.</summary>
    private async Task<IResult> SubmitAsync(TeamsActivity activity, string aadObjectId, CancellationToken cancellationToken)
    {
        var user = new ChatUser(TeamsChat.Key, aadObjectId);
        if (directory.FindByChatUser(user) is not { } person)
        {
            return TeamsInvokeResponse.Message(RequestMessages.ForDecision(DecisionOutcome.UnknownPerson, 0));
        }

        var mayRequest = roles.List(person);
        var values = new RequestFormValues(
            activity.ExecuteInput(RequestForm.RoleField),
            activity.ExecuteInput(RequestForm.DurationField),
            activity.ExecuteInput(RequestForm.ReasonField));
        var (input, errors) = RequestFormSubmission.Check(values, directory.FindRole);
        if (input is null)
        {
            return TeamsInvokeResponse.Card(TeamsRequestForm.Render(new RequestForm(mayRequest, RequestForm.DurationsFor(mayRequest), values, errors, Refused)));
        }

        var result = await requestAccess.RequestAsync(user, input, cancellationToken);
        return result.Outcome == RequestAccessOutcome.Refused
            ? TeamsInvokeResponse.Card(TeamsRequestForm.Render(new RequestForm(mayRequest, RequestForm.DurationsFor(mayRequest), values, new Dictionary<string, string> { [RequestForm.RoleField] = result.Refusal! }, Refused)))
            : TeamsInvokeResponse.Card(TeamsRequestForm.Done(RequestMessages.ForRequest(result)));
    }
}
