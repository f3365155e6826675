using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// The recommended production split (README: "Production database roles"): an owner role runs the migrations and
/// owns every table; the bot runs as a role that owns nothing. Only then is the audit log append-only against the
/// bot's own credentials too, because only an owner can disable the append-only trigger.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>What the run-time role is granted, after every migration (new tables need their grants).</summary>
    public static string GrantSql(string role)
    {
        var quoted = SqlIdentifier.Quote(role);
        return $"""
            GRANT USAGE ON SCHEMA jit, hangfire TO {quoted};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA jit, hangfire TO {quoted};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA jit, hangfire TO {quoted};
            GRANT SELECT ON public.jit_schema_migrations TO {quoted};
            REVOKE UPDATE, DELETE, TRUNCATE ON jit.audit_log FROM {quoted};
            """;
    }

    /// <summary>Applies <see cref="GrantSql"/>; returns warnings when the role could still get past the append-only rule.</summary>
    public static async Task<IReadOnlyList<string>> GrantRunTimeRoleAsync(NpgsqlDataSource dataSource, string role)
    {
        await using (var grant = dataSource.CreateCommand(GrantSql(role)))
        {
            await grant.ExecuteNonQueryAsync();
        }

        var warnings = new List<string>();
        await using var check = dataSource.CreateCommand(
            """
            SELECT r.rolsuper, pg_has_role(r.oid, c.relowner, 'USAGE')
            FROM pg_roles r, pg_class c
            WHERE r.rolname = @role AND c.oid = 'jit.audit_log'::regclass
            """);
        check.Parameters.AddWithValue("role", role);
        await using var reader = await check.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            if (reader.GetBoolean(0))
            {
                warnings.Add($"{role} is a superuser: it can still disable the audit log's append-only trigger. Run the bot as a plain role.");
            }
            else if (reader.GetBoolean(1))
            {
                warnings.Add($"{role} owns jit.audit_log (or is a member of its owner): it can still disable the append-only trigger. Run migrations as a separate owner role.");
            }
        }

        return warnings;
    }
}
