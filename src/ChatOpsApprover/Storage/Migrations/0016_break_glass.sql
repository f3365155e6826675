-- Break-glass: a request taken without an approver (break_glass), and its review by an approver of the role afterwards
-- (reviewed_at, reviewed_by, review_note; NULL while it waits). The partial index serves "jit list" for approvers.
ALTER TABLE jit.access_requests
    ADD COLUMN break_glass boolean NOT NULL DEFAULT false,
    ADD COLUMN reviewed_at timestamptz,
    ADD COLUMN reviewed_by text,
    ADD COLUMN review_note text;
CREATE INDEX access_requests_unreviewed_break_glass ON jit.access_requests (role_name) WHERE break_glass AND reviewed_at IS NULL;
