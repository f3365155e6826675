-- A request nobody decides ends on its own: 'timedout' is entered from 'pending' when expires_at passes.
ALTER TABLE jit.access_requests DROP CONSTRAINT access_requests_status_check;
ALTER TABLE jit.access_requests ADD CONSTRAINT access_requests_status_check
    CHECK (status IN ('pending','approved','active','expired','revoked','denied','failed','timedout'));

ALTER TABLE jit.access_requests ADD COLUMN expires_at timestamptz;
-- Requests already waiting get the default PendingTimeout (one hour) from when they were made.
UPDATE jit.access_requests SET expires_at = requested_at + interval '1 hour' WHERE status = 'pending';
CREATE INDEX access_requests_pending_due ON jit.access_requests (expires_at) WHERE status = 'pending';

-- Reminders and escalation of a request still waiting: when each is due (NULL: not asked for, or done), and the
-- people it was escalated to, who are its approvers from then on.
ALTER TABLE jit.access_requests
    ADD COLUMN remind_at timestamptz,
    ADD COLUMN escalate_at timestamptz,
    ADD COLUMN escalated_to text[] NOT NULL DEFAULT '{}';
