-- Hangfire jobs a change asks for (an approval card to post, a grant to start, cards to update), written in the
-- change's own transaction, so the answer waits for one durable commit rather than for Hangfire's enqueue as well,
-- and a crash right after the commit can no longer lose them. Jobs/JobOutboxRelay.cs moves committed rows into
-- Hangfire's queues (each job at least once: a crash between the enqueue and the delete enqueues it again, and every
-- job is idempotent), then deletes them.
CREATE TABLE jit.job_outbox (
    id        bigserial   PRIMARY KEY,
    job       text        NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now()
);
