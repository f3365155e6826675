using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Requests;

/// <summary>"roles": the roles a person may request: those at a target where they have a login, and whose Requesters name them.</summary>
public sealed class ListRoles(AccessDirectory directory)
{
    public IReadOnlyList<RoleDefinition> List(Person person) =>
        directory.Roles.Where(r => person.Logins.ContainsKey(r.Target) && directory.MayRequest(r, person.Id)).ToList();
}
