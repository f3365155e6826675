using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Chat;

/// <summary>
/// A platform's page per person that lists their requests (Slack's App Home). The chat jobs that bring a request's
/// cards up to date tell it about the change, so it can refresh the pages of the people concerned. It must only queue
/// work: it runs inside a chat job, never in an answer or on the revocation path.
/// </summary>
public interface IHomeViews
{
    Task RequestsChangedAsync(IReadOnlyCollection<AccessRequest> requests, CancellationToken cancellationToken);
}
