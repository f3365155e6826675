using ChatOpsApprover.Configuration;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Grants.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Reads, through each registered postgres target's own connection, who holds the configured roles' grants now, so the
/// sandbox shows a grant and its revocation as they happen at the target.
/// </summary>
public sealed class TargetMemberships(GrantTargets targets, IOptions<AccessOptions> access)
{
    public async Task<IReadOnlyList<RoleMembers>> ReadAsync(CancellationToken cancellationToken)
    {
        var roles = access.Value.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, (IReadOnlyList<Membership>? Memberships, string? Problem)>(StringComparer.Ordinal);
        foreach (var target in roles.Select(r => r.Value.Target).Distinct(StringComparer.Ordinal))
        {
            found[target] = await ReadTargetAsync(target, roles.Where(r => r.Value.Target == target).Select(r => r.Value.Grant).ToArray(), cancellationToken);
        }

        return [.. roles.Select(r =>
        {
            var (memberships, problem) = found[r.Value.Target];
            var members = (memberships ?? []).Where(m => m.Grant == r.Value.Grant).Select(m => new TargetMember(m.Login, PersonWithLogin(r.Value.Target, m.Login))).ToList();
            return new RoleMembers(r.Key, r.Value.Target, r.Value.Grant, members, problem);
        })];
    }

    private async Task<(IReadOnlyList<Membership>?, string?)> ReadTargetAsync(string target, IReadOnlyCollection<string> grants, CancellationToken cancellationToken)
    {
        if (targets.Get(target) is not PostgresRoleTarget postgres)
        {
            return (null, "The sandbox shows memberships of postgres targets only.");
        }

        try
        {
            return (await postgres.MembershipsAsync(grants, cancellationToken), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (null, $"The target cannot be read now: {e.Message}");
        }
    }

    private string? PersonWithLogin(string target, string login) =>
        access.Value.People.FirstOrDefault(p => p.Value.Logins.TryGetValue(target, out var l) && l == login).Key;
}
