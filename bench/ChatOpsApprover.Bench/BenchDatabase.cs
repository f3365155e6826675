using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.Bench;

/// <summary>A fresh database per run, holding the grant role, one login per grant and their memberships.</summary>
public static class BenchDatabase
{
    public static async Task<string> CreateAsync(string adminConnectionString, string name)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(name)}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    public static async Task CreateMembershipsAsync(string connectionString, string grantRole, IReadOnlyList<string> logins)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var role = dataSource.CreateCommand($"CREATE ROLE {SqlIdentifier.Quote(grantRole)} NOLOGIN"))
        {
            await role.ExecuteNonQueryAsync();
        }

        await using var members = dataSource.CreateCommand(
            """
            DO $$DECLARE login text;
            BEGIN
              FOREACH login IN ARRAY current_setting('bench.logins')::text[] LOOP
                EXECUTE format('CREATE ROLE %I LOGIN', login);
                EXECUTE format('GRANT %I TO %I', current_setting('bench.grant'), login);
              END LOOP;
            END$$
            """);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('bench.logins', @logins, false), set_config('bench.grant', @grant, false)", connection))
        {
            set.Parameters.AddWithValue("logins", "{" + string.Join(',', logins) + "}");
            set.Parameters.AddWithValue("grant", grantRole);
            await set.ExecuteNonQueryAsync();
        }

        await using var run = new NpgsqlCommand(members.CommandText, connection);
        await run.ExecuteNonQueryAsync();
    }

    public static async Task RevokeAllAsync(string connectionString, string grantRole, IReadOnlyList<string> logins)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var chunk in logins.Chunk(500))
        {
            await using var command = dataSource.CreateCommand(string.Concat(chunk.Select(l => $"REVOKE {SqlIdentifier.Quote(grantRole)} FROM {SqlIdentifier.Quote(l)};")));
            await command.ExecuteNonQueryAsync();
        }
    }

    public static async Task<int> MembersLeftAsync(string connectionString, string grantRole)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = @role");
        command.Parameters.AddWithValue("role", grantRole);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
