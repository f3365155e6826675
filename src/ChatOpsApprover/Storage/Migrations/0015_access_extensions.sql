-- The requester's reminder before access ends: when it is due (NULL: none asked for, or already sent). Set when access
-- starts and again when an extension moves the end.
ALTER TABLE jit.access_requests ADD COLUMN end_reminder_at timestamptz;
-- Access already running gets its reminder too, if there is still time for one.
UPDATE jit.access_requests SET end_reminder_at = ends_at - interval '10 minutes'
WHERE status = 'active' AND ends_at - interval '10 minutes' > granted_at AND ends_at - interval '10 minutes' > now();
CREATE INDEX access_requests_end_reminder_due ON jit.access_requests (end_reminder_at) WHERE status = 'active' AND end_reminder_at IS NOT NULL;

-- Extensions of active access, each tied to its request: asked for by the requester, waiting for the role's approvers
-- (approved_by: who approved so far) unless the role needs none, then decided. On approval the request's ends_at moves;
-- one decided after the end is refused and changes nothing.
CREATE TABLE jit.extensions (
    id               bigserial PRIMARY KEY,
    request_id       bigint      NOT NULL REFERENCES jit.access_requests (id),
    duration_seconds integer     NOT NULL CHECK (duration_seconds > 0),
    status           text        NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'refused')),
    platform         text        NOT NULL,
    requested_at     timestamptz NOT NULL,
    approved_by      text[]      NOT NULL DEFAULT '{}',
    decided_at       timestamptz,
    decided_by       text,
    outcome          text
);
-- One extension waits per request at a time.
CREATE UNIQUE INDEX extensions_one_pending ON jit.extensions (request_id) WHERE status = 'pending';

-- Where each extension's approval card was posted, one per platform, so it is updated in place once decided.
CREATE TABLE jit.extension_messages (
    extension_id bigint NOT NULL REFERENCES jit.extensions (id),
    platform     text   NOT NULL,
    channel      text   NOT NULL,
    message_id   text   NOT NULL,
    PRIMARY KEY (extension_id, platform)
);
