-- Wrong step-up codes per person, across links: minting new links must not buy an attacker new guesses.
ALTER TABLE jit.mfa_factors ADD COLUMN failed_codes integer NOT NULL DEFAULT 0, ADD COLUMN locked_at timestamptz;
