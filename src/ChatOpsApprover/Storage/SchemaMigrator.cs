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
        ("0002_teams", """
        -- What Teams told us about a registered person in a validated activity: their Teams user id (29:…), tenant and
        -- connector region, and the 1:1 conversation with the bot, so direct messages reach them.
        CREATE TABLE jit.teams_users (
            aad_object_id            text        PRIMARY KEY,
            teams_user_id            text,
            tenant_id                text,
            service_url              text,
            personal_conversation_id text,
            updated_at               timestamptz NOT NULL
        );

        -- Inbound activities already handled: the connector retries, and a retried command must not run twice.
        CREATE TABLE jit.teams_inbound_activities (
            conversation_id text        NOT NULL,
            activity_id     text        NOT NULL,
            received_at     timestamptz NOT NULL,
            PRIMARY KEY (conversation_id, activity_id)
        );
        CREATE INDEX teams_inbound_activities_received ON jit.teams_inbound_activities (received_at);
        """),
        ("0002_audit", """
        -- The canonical form of an entry, exactly as AuditChain computes it in the application (README: "Audit trail").
        -- Kept in the database so an auditor can recompute hashes with SQL alone.
        CREATE FUNCTION jit.audit_canonical(p_id bigint, p_at timestamptz, p_event text, p_request_id bigint, p_actor text, p_platform text, p_details jsonb, p_prev_hash text)
        RETURNS text LANGUAGE sql STABLE AS $fn$
            SELECT '{"actor":' || to_json(p_actor)::text
                || ',"at":"' || to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
                || ',"details":{' || coalesce((SELECT string_agg(to_json(d.key)::text || ':' || d.value::text, ',' ORDER BY d.key COLLATE "C") FROM jsonb_each(p_details) AS d), '') || '}'
                || ',"event":' || to_json(p_event)::text
                || ',"id":' || p_id::text
                || ',"platform":' || to_json(p_platform)::text
                || ',"prev_hash":' || to_json(p_prev_hash)::text
                || ',"request_id":' || coalesce(p_request_id::text, 'null')
                || '}'
        $fn$;

        CREATE FUNCTION jit.audit_hash(p_canonical text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
            SELECT encode(sha256(convert_to(p_canonical, 'UTF8')), 'hex')
        $fn$;

        ALTER TABLE jit.audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text;

        -- One row: the newest entry. Appenders lock it, which keeps the chain linear across instances.
        CREATE TABLE jit.audit_chain_head (
            only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            last_id   bigint  NOT NULL,
            last_hash text    NOT NULL
        );

        -- Entries written before the chain existed are sealed in id order.
        DO $seal$
        DECLARE
            entry record;
            previous text := repeat('0', 64);
            newest bigint := 0;
        BEGIN
            FOR entry IN SELECT * FROM jit.audit_log ORDER BY id LOOP
                UPDATE jit.audit_log
                SET prev_hash = previous,
                    hash = jit.audit_hash(jit.audit_canonical(entry.id, entry.at, entry.event, entry.request_id, entry.actor, entry.platform, entry.details, previous))
                WHERE id = entry.id
                RETURNING hash INTO previous;
                newest := entry.id;
            END LOOP;
            INSERT INTO jit.audit_chain_head (last_id, last_hash) VALUES (newest, previous);
        END
        $seal$;

        ALTER TABLE jit.audit_log
            ALTER COLUMN prev_hash SET NOT NULL,
            ALTER COLUMN hash SET NOT NULL,
            ALTER COLUMN id DROP DEFAULT,
            ADD CONSTRAINT audit_log_hashes CHECK (prev_hash ~ '^[0-9a-f]{64}$' AND hash ~ '^[0-9a-f]{64}$');
        -- Each entry has one successor: no fork can be written even by a buggy writer.
        CREATE UNIQUE INDEX audit_log_prev_hash ON jit.audit_log (prev_hash);

        -- Append-only, enforced by the database for every role, the owner included (only disabling the trigger,
        -- which needs ownership, gets past it; run the bot as a role that does not own the table, see README).
        CREATE FUNCTION jit.audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION 'jit.audit_log is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege', HINT = 'Audit entries can only be added.';
        END
        $fn$;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON jit.audit_log
            FOR EACH ROW EXECUTE FUNCTION jit.audit_log_refuse_change();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON jit.audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION jit.audit_log_refuse_change();
        REVOKE UPDATE, DELETE, TRUNCATE ON jit.audit_log FROM PUBLIC;

        -- The audit channel publisher: how far each platform has published, and each request's one audit message.
        CREATE TABLE jit.audit_publish_cursor (
            platform text   PRIMARY KEY,
            last_id  bigint NOT NULL
        );
        CREATE TABLE jit.audit_messages (
            request_id bigint NOT NULL,
            platform   text   NOT NULL,
            channel    text   NOT NULL,
            message_id text   NOT NULL,
            PRIMARY KEY (request_id, platform, channel)
        );
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
        ("0003_approval_lapse", """
        -- Approved requests are few at any moment; the lapse check runs every few seconds and must not scan the table.
        CREATE INDEX access_requests_approved ON jit.access_requests (id) WHERE status = 'approved';
        """),
        ("0004_factor_lockout", """
        -- Wrong step-up codes per person, across links: minting new links must not buy an attacker new guesses.
        ALTER TABLE jit.mfa_factors ADD COLUMN failed_codes integer NOT NULL DEFAULT 0, ADD COLUMN locked_at timestamptz;
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
            // Created only when missing: a run-time role that owns nothing (README: production roles) cannot even
            // run CREATE TABLE IF NOT EXISTS, but may read which migrations are applied.
            await using (var create = new NpgsqlCommand(
                "DO $$BEGIN IF to_regclass('public.jit_schema_migrations') IS NULL THEN CREATE TABLE public.jit_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); END IF; END$$",
                connection))
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
