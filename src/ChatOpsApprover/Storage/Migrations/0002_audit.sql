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
