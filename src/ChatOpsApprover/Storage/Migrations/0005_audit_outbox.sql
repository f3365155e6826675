-- Audit entries waiting to be sealed into jit.audit_log. A change writes its entry here, in its own transaction, without
-- touching the chain head, so writers no longer wait for each other's commits; the sealer (Audit/AuditLog.cs,
-- SealPendingAsync), one at a time across instances, moves committed entries into the log in seq order, giving each
-- the next id and its hash in one transaction per batch. Nothing here is ever updated: rows are inserted, then moved.
CREATE TABLE jit.audit_outbox (
    seq        bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL,
    event      text        NOT NULL,
    request_id bigint,
    actor      text        NOT NULL,
    platform   text        NOT NULL,
    details    jsonb       NOT NULL
);
