using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Creates many active grants at once — real logins, real memberships at the target, rows in the bot's table.</summary>
public static class GrantSeeder
{
    public static string LoginName(string suffix, int index) => $"bulk_{suffix}_{index}";

    public static async Task SeedAsync(string connectionString, string suffix, string grantRole, int count, DateTimeOffset grantedAt, DateTimeOffset endsAt)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var roles = dataSource.CreateCommand(
            $"""
            DO $$BEGIN
              FOR i IN 1..{count} LOOP
                EXECUTE format('CREATE ROLE %I LOGIN', 'bulk_{suffix}_' || i);
                EXECUTE format('GRANT %I TO %I', '{grantRole}', 'bulk_{suffix}_' || i);
              END LOOP;
            END$$
            """))
        {
            await roles.ExecuteNonQueryAsync();
        }

        await using var rows = dataSource.CreateCommand(
            """
            INSERT INTO jit.access_requests (person_id, role_name, target, grant_name, login, duration_seconds, reason, status, platform, requested_at, granted_at, ends_at)
            SELECT 'alice', 'prod-db-read', 'prod-db', @grant, 'bulk_' || @suffix || '_' || i, greatest(1, extract(epoch FROM @ends - @granted)::int), 'seeded', 'active', 'slack', @granted, @granted, @ends
            FROM generate_series(1, @count) AS i
            """);
        rows.Parameters.AddWithValue("grant", grantRole);
        rows.Parameters.AddWithValue("suffix", suffix);
        rows.Parameters.AddWithValue("count", count);
        rows.Parameters.AddWithValue("granted", grantedAt);
        rows.Parameters.AddWithValue("ends", endsAt);
        await rows.ExecuteNonQueryAsync();
    }

    /// <summary>How many seeded logins still hold the role at the target.</summary>
    public static async Task<long> MembersLeftAsync(string connectionString, string grantRole)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = @role");
        command.Parameters.AddWithValue("role", grantRole);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
