using ChatOpsApprover.Chat;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>
/// "list": a person's pending and active requests and, for an approver, the requests waiting for their answer, with
/// links to the cards.
/// </summary>
public sealed class ListRequests(RequestStore store, ChatMessageStore messages, AccessDirectory directory, IEnumerable<IChatPlatform> platforms)
{
    /// <summary>More than this many waiting requests are not listed one by one (the reply must stay readable).</summary>
    public const int MaxWaiting = 20;

    public Task<IReadOnlyList<AccessRequest>> ListAsync(Person person) => store.ListOpenForPersonAsync(person.Id);

    /// <summary>
    /// Pending requests whose answer from <paramref name="person"/> would count now (the same rule as a click: an
    /// approver of the role, through groups or an escalation; not their own; not answered yet), oldest first.
    /// </summary>
    public async Task<IReadOnlyList<WaitingRequest>> WaitingForAsync(Person person, ChatPlatform asking)
    {
        // Roles where they approve, or could have been escalated to: only those roles' pending requests are read.
        var roles = directory.Roles
            .Where(r => directory.IsApprover(r, person.Id) || directory.PeopleIn(r.EscalateTo).Contains(person.Id))
            .ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        if (roles.Count == 0)
        {
            return [];
        }

        var pending = await store.ListPendingAsync(roles.Keys, limit: 500);
        var waiting = new List<WaitingRequest>();
        foreach (var request in pending)
        {
            if (!roles.TryGetValue(request.RoleName, out var role) || AccessPolicy.CheckDecision(directory, request, role, person) != DecisionOutcome.Recorded)
            {
                continue;
            }

            var cards = (await messages.MessagesAsync(request.Id)).OrderBy(c => c.Platform == asking ? 0 : 1).ToList();
            var link = cards.Select(c => platforms.FirstOrDefault(p => p.Platform == c.Platform)?.LinkTo(c)).FirstOrDefault(l => l is not null);
            waiting.Add(new WaitingRequest(request, link, link is null && cards.Count > 0 ? cards[0].Channel : null));
            if (waiting.Count == MaxWaiting + 1)
            {
                break;
            }
        }

        return waiting;
    }
}
