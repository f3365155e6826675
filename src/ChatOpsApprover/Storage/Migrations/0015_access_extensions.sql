-- The requester's reminder before access ends: when it is due (NULL: none asked for, or already sent). Set when access
-- starts and again when an extension moves the end.
ALTER TABLE jit.access_requests ADD COLUMN end_reminder_at timestamptz;
-- Access already running gets its reminder too, if there is still time for one.
UPDATE jit.access_requests SET end_reminder_at = ends_at - interval '10 minutes'
WHERE status = 'active' AND ends_at - interval '10 minutes' > granted_at AND ends_at - interval '10 minutes' > now();
CREATE INDEX access_requests_end_reminder_due ON jit.access_requests (end_reminder_at) WHERE status = 'active' AND end_reminder_at IS NOT NULL;
