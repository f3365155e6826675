-- What the bot knows about each grant at its target, so an end never takes away what the bot did not give.
--   grant_sent_at  set, and committed, before the first grant attempt reaches the target: from then on the target may
--                  hold this request's access even if the reply was lost.
--   held_outside   the person already held the access by other means when the bot first looked (PostgreSQL: a
--                  standing membership): the grant changes nothing at the target and its end never revokes.
--   grant_receipt  what the target said when it granted (PostgreSQL: the grantor of the membership), handed back on
--                  revoke and check.
--   sessions_closed sessions at the target that were ended with the access (PostgreSQL: pg_terminate_backend).
--   cleanup_due_at a request that ended before it was active, or that drift found still granted, has access to take
--                  away at its target: a durable, retried revocation (revoke_attempts, revoke_retry_at), like an end.
ALTER TABLE jit.access_requests
    ADD COLUMN grant_sent_at   timestamptz,
    ADD COLUMN held_outside    boolean NOT NULL DEFAULT false,
    ADD COLUMN grant_receipt   text,
    ADD COLUMN sessions_closed integer,
    ADD COLUMN cleanup_due_at  timestamptz;
CREATE INDEX access_requests_cleanup ON jit.access_requests (cleanup_due_at) WHERE cleanup_due_at IS NOT NULL;

-- Drift found at a target, one row per open finding: reported to the audit log once, when first seen, and forgotten
-- when a later check no longer sees it (so a finding that comes back is reported again).
CREATE TABLE jit.drift_findings (
    target        text        NOT NULL,
    finding       text        NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    PRIMARY KEY (target, finding)
);
