-- Approved requests are few at any moment; the lapse check runs every few seconds and must not scan the table.
CREATE INDEX access_requests_approved ON jit.access_requests (id) WHERE status = 'approved';
