-- When an enrollment link's page first showed its secret and QR code: the page shows them once, so link scanners,
-- prefetchers and proxy logs that open the link later see no secret.
ALTER TABLE jit.stepup_links ADD COLUMN secret_shown_at timestamptz;
