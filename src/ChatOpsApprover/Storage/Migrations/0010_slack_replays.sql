-- Signatures of Slack requests already handled, so a captured request sent again within its timestamp window is
-- refused on every instance. A row is needed only while its signature could still pass the timestamp check.
CREATE TABLE jit.slack_request_signatures (
    signature text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX slack_request_signatures_expires_at ON jit.slack_request_signatures (expires_at);
