-- Extensions wait for second-factor confirmations as requests do: awaiting_step_up lists who must still confirm before
-- the end may move (an approver whose approval counts only once confirmed; the requester when the role asks the
-- requester to confirm).
ALTER TABLE jit.extensions ADD COLUMN awaiting_step_up text[] NOT NULL DEFAULT '{}';

-- A step-up link may confirm an extension of its request rather than the request itself.
ALTER TABLE jit.stepup_links ADD COLUMN extension_id bigint REFERENCES jit.extensions (id);
ALTER TABLE jit.stepup_links ADD CONSTRAINT stepup_links_extension_has_request CHECK (extension_id IS NULL OR request_id IS NOT NULL);

-- An extension still waiting when its access ends (expired, revoked) lapses, closed in the transaction that ends it.
ALTER TABLE jit.extensions DROP CONSTRAINT extensions_status_check;
ALTER TABLE jit.extensions ADD CONSTRAINT extensions_status_check CHECK (status IN ('pending', 'approved', 'denied', 'refused', 'lapsed'));

-- Where each break-glass alert was posted, one row per platform and channel, written once the post succeeded: a
-- retried alert job posts only where it has not yet.
CREATE TABLE jit.break_glass_alerts (
    request_id bigint      NOT NULL REFERENCES jit.access_requests (id),
    platform   text        NOT NULL,
    channel    text        NOT NULL,
    posted_at  timestamptz NOT NULL,
    PRIMARY KEY (request_id, platform, channel)
);

-- A step-up let through by a Risk rule with Review marks its request for review: the people whose step-ups were
-- marked. "jit review" closes the marks as it closes a break-glass use (reviewed_at, reviewed_by, review_note); a later
-- mark opens the review again.
ALTER TABLE jit.access_requests ADD COLUMN review_marked_for text[] NOT NULL DEFAULT '{}';
CREATE INDEX access_requests_unreviewed_marks ON jit.access_requests (role_name) WHERE cardinality(review_marked_for) > 0 AND reviewed_at IS NULL;
