-- Passkeys and security keys (WebAuthn credentials), beside the authenticator app. A person's second factor
-- (jit.mfa_factors) says whether they are enrolled, locked or awaiting an admin; "totp" says whether its app secret was
-- confirmed (false when the person enrolled with a passkey only), and "user_handle" is the opaque WebAuthn user id
-- every passkey of the person carries. Removing the factor (reset-mfa, a refused enrollment) removes its passkeys.
ALTER TABLE jit.mfa_factors
    ADD COLUMN totp        boolean NOT NULL DEFAULT true,
    ADD COLUMN user_handle bytea;

CREATE TABLE jit.passkeys (
    credential_id bytea       PRIMARY KEY,
    person_id     text        NOT NULL REFERENCES jit.mfa_factors(person_id) ON DELETE CASCADE,
    name          text        NOT NULL,
    public_key    bytea       NOT NULL,
    sign_count    bigint      NOT NULL,
    user_handle   bytea       NOT NULL,
    aaguid        uuid        NOT NULL,
    transports    text[]      NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    UNIQUE (person_id, name)
);

-- The WebAuthn options (with their challenge) a link's page last handed out: bound to the link, used at most once
-- (cleared when an answer is checked), and dead when the link is.
ALTER TABLE jit.stepup_links ADD COLUMN webauthn_options text;

-- Which factor confirmed a step-up ("totp", "passkey: YubiKey 5"), shown on the card.
ALTER TABLE jit.stepup_confirmations ADD COLUMN factor text;
