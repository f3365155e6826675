-- Slack users who opened the bot's Home tab at least once: only their tabs are republished when a request changes.
CREATE TABLE jit.slack_home_tabs (
    user_id text PRIMARY KEY,
    opened_at timestamptz NOT NULL
);
