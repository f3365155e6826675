using ChatOpsApprover.Domain;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Requests;

/// <summary>"confirm &lt;id&gt;": a fresh confirmation link, when something on that request (or its waiting extension) waits for this person's code.</summary>
public sealed class ConfirmCommand(StepUpMessenger stepUpMessenger, ExtensionStepUpMessenger extensionMessenger, RequestStore store)
{
    public async Task<ConfirmResult> ConfirmAsync(Person person, long requestId, CancellationToken cancellationToken)
    {
        foreach (var purpose in new[] { StepUpPurpose.Requester, StepUpPurpose.Approver })
        {
            if (await stepUpMessenger.PrepareAsync(requestId, person.Id, purpose, cancellationToken) is { } message)
            {
                return new ConfirmResult(ConfirmOutcome.LinkIssued, requestId, LinkMessage: message);
            }
        }

        // An extension of the request waiting for this person's confirmation (the requester's, or an approver's).
        if (await extensionMessenger.PrepareForRequestAsync(requestId, person.Id, cancellationToken) is { } extensionMessage)
        {
            return new ConfirmResult(ConfirmOutcome.LinkIssued, requestId, LinkMessage: extensionMessage);
        }

        var request = await store.FindAsync(requestId);
        return request is null || (request.PersonId != person.Id && !request.StepUps.Any(s => s.PersonId == person.Id))
            ? new ConfirmResult(ConfirmOutcome.NotFound, requestId)
            : new ConfirmResult(ConfirmOutcome.NotWaiting, requestId, Request: request);
    }
}
