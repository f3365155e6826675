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
