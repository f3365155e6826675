using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.BreakGlass;

/// <summary>For "jit list": the unreviewed break-glass uses of the roles a person approves (never their own uses), including
/// uses made before a role's break-glass was switched off.</summary>
public sealed class ListBreakGlassToReview(AccessDirectory directory, RequestStore store)
{
    public async Task<IReadOnlyList<AccessRequest>> ListAsync(Person person)
    {
        var roles = directory.Roles.Where(r => directory.IsApprover(r, person.Id)).Select(r => r.Name).ToArray();
        var uses = await store.UnreviewedBreakGlassAsync(roles);
        return uses.Where(u => u.PersonId != person.Id && !u.ReviewMarkedFor.Contains(person.Id)).ToList();
    }
}
