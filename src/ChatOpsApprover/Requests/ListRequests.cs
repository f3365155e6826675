using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>"list": a person's pending and active requests.</summary>
public sealed class ListRequests(RequestStore store)
{
    public Task<IReadOnlyList<AccessRequest>> ListAsync(Person person) => store.ListOpenForPersonAsync(person.Id);
}
