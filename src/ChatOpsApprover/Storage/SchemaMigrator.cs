using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// Creates and upgrades the bot's own schema at start-up. Migrations are named and append-only: never edit one that
/// has shipped, add the next at the end of the list. An advisory lock keeps two instances starting together from racing.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    private const long MigrationLockKey = 0x4A49_5453_4348_454D; // "JITSCHEM"

    public static readonly IReadOnlyList<(string Name, string Sql)> Migrations =
    [
        ("0001_core", """
        CREATE SCHEMA IF NOT EXISTS jit;

        CREATE TABLE jit.access_requests (
            id               bigserial PRIMARY KEY,
            person_id        text        NOT NULL,
            role_name        text        NOT NULL,
            target           text        NOT NULL,
            grant_name       text        NOT NULL,
            login            text        NOT NULL,
            duration_seconds integer     NOT NULL CHECK (duration_seconds > 0),
            reason           text        NOT NULL,
            status           text        NOT NULL CHECK (status IN ('pending','approved','active','expired','revoked','denied','failed')),
            platform         text        NOT NULL,
            requested_at     timestamptz NOT NULL,
            granted_at       timestamptz,
            ends_at          timestamptz,
            ended_at         timestamptz,
            ended_by         text,
            failure_reason   text,
            grant_attempts   integer     NOT NULL DEFAULT 0,
            revoke_attempts  integer     NOT NULL DEFAULT 0,
            revoke_retry_at  timestamptz,
            CHECK (status <> 'active' OR (granted_at IS NOT NULL AND ends_at IS NOT NULL))
        );
        CREATE INDEX access_requests_due ON jit.access_requests (ends_at) WHERE status = 'active';
        CREATE INDEX access_requests_person ON jit.access_requests (person_id, requested_at DESC);
        CREATE INDEX access_requests_membership ON jit.access_requests (target, grant_name, login) WHERE status = 'active';

        CREATE TABLE jit.decisions (
            request_id  bigint      NOT NULL REFERENCES jit.access_requests(id),
            approver_id text        NOT NULL,
            approved    boolean     NOT NULL,
            decided_at  timestamptz NOT NULL,
            platform    text        NOT NULL,
            PRIMARY KEY (request_id, approver_id)
        );

        CREATE TABLE jit.chat_messages (
            request_id bigint NOT NULL REFERENCES jit.access_requests(id),
            platform   text   NOT NULL,
            channel    text   NOT NULL,
            message_id text   NOT NULL,
            PRIMARY KEY (request_id, platform)
        );

        CREATE TABLE jit.audit_log (
            id         bigserial   PRIMARY KEY,
            at         timestamptz NOT NULL,
            event      text        NOT NULL,
            request_id bigint,
            actor      text        NOT NULL,
            platform   text        NOT NULL,
            details    jsonb       NOT NULL DEFAULT '{}'::jsonb
        );
        CREATE INDEX audit_log_request ON jit.audit_log (request_id);
        CREATE INDEX audit_log_at ON jit.audit_log (at);
        """),
        ("0002_stepup", """
        -- Second factors. The secret is a Data Protection payload; it is never stored or logged in the clear.
        CREATE TABLE jit.mfa_factors (
            person_id        text        PRIMARY KEY,
            secret_protected text        NOT NULL,
            active           boolean     NOT NULL,
            created_at       timestamptz NOT NULL,
            activated_at     timestamptz,
            last_used_step   bigint,
            CHECK (NOT active OR activated_at IS NOT NULL)
        );

        -- Single-use links. Only a SHA-256 hash of the token is stored; each link is bound to one person and one purpose,
        -- and (for step-ups) one request.
        CREATE TABLE jit.stepup_links (
            token_hash      bytea       PRIMARY KEY,
            purpose         text        NOT NULL CHECK (purpose IN ('enroll','requester','approver')),
            person_id       text        NOT NULL,
            request_id      bigint      REFERENCES jit.access_requests(id),
            created_at      timestamptz NOT NULL,
            expires_at      timestamptz NOT NULL,
            used_at         timestamptz,
            superseded_at   timestamptz,
            failed_attempts integer     NOT NULL DEFAULT 0,
            locked_at       timestamptz,
            CHECK ((purpose = 'enroll') = (request_id IS NULL))
        );
        CREATE INDEX stepup_links_open ON jit.stepup_links (person_id, purpose, request_id) WHERE used_at IS NULL AND superseded_at IS NULL;

        -- Who was asked to confirm what, and how it ended: the facts every platform's card shows.
        CREATE TABLE jit.stepup_confirmations (
            request_id  bigint      NOT NULL REFERENCES jit.access_requests(id),
            person_id   text        NOT NULL,
            purpose     text        NOT NULL CHECK (purpose IN ('requester','approver')),
            state       text        NOT NULL CHECK (state IN ('waiting','verified','refused')),
            platform    text        NOT NULL,
            at          timestamptz NOT NULL,
            new_device  boolean     NOT NULL DEFAULT false,
            new_network boolean     NOT NULL DEFAULT false,
            PRIMARY KEY (request_id, person_id, purpose)
        );
        CREATE INDEX stepup_confirmations_waiting ON jit.stepup_confirmations (person_id) WHERE state = 'waiting';

        -- Risk signals: the devices (hash of the id in a signed cookie) and addresses each person confirmed from.
        CREATE TABLE jit.known_devices (
            person_id   text        NOT NULL,
            device_hash bytea       NOT NULL,
            first_seen  timestamptz NOT NULL,
            last_seen   timestamptz NOT NULL,
            PRIMARY KEY (person_id, device_hash)
        );
        CREATE TABLE jit.known_networks (
            person_id  text        NOT NULL,
            address    text        NOT NULL,
            first_seen timestamptz NOT NULL,
            last_seen  timestamptz NOT NULL,
            PRIMARY KEY (person_id, address)
        );

        -- The ASP.NET Core Data Protection key ring, shared by every instance.
        CREATE TABLE jit.data_protection_keys (
            friendly_name text        PRIMARY KEY,
            xml           text        NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        """),
    ];

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS public.jit_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand("SELECT name FROM public.jit_schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            foreach (var (name, sql) in Migrations.Where(m => !applied.Contains(m.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO public.jit_schema_migrations (name) VALUES (@name)", connection, transaction))
                {
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied schema migration {Migration}", name);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
