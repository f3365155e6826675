-- Second factors. The secret is a Data Protection payload; it is never stored or logged in the clear.
CREATE TABLE jit.mfa_factors (
    person_id        text        PRIMARY KEY,
    secret_protected text        NOT NULL,
    active           boolean     NOT NULL,
    created_at       timestamptz NOT NULL,
    activated_at     timestamptz,
    last_used_step   bigint,
    CHECK (NOT active OR activated_at IS NOT NULL)
);

-- Single-use links. Only a SHA-256 hash of the token is stored; each link is bound to one person and one purpose,
-- and (for step-ups) one request.
CREATE TABLE jit.stepup_links (
    token_hash      bytea       PRIMARY KEY,
    purpose         text        NOT NULL CHECK (purpose IN ('enroll','requester','approver')),
    person_id       text        NOT NULL,
    request_id      bigint      REFERENCES jit.access_requests(id),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    superseded_at   timestamptz,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_at       timestamptz,
    CHECK ((purpose = 'enroll') = (request_id IS NULL))
);
CREATE INDEX stepup_links_open ON jit.stepup_links (person_id, purpose, request_id) WHERE used_at IS NULL AND superseded_at IS NULL;

-- Who was asked to confirm what, and how it ended: the facts every platform's card shows.
CREATE TABLE jit.stepup_confirmations (
    request_id  bigint      NOT NULL REFERENCES jit.access_requests(id),
    person_id   text        NOT NULL,
    purpose     text        NOT NULL CHECK (purpose IN ('requester','approver')),
    state       text        NOT NULL CHECK (state IN ('waiting','verified','refused')),
    platform    text        NOT NULL,
    at          timestamptz NOT NULL,
    new_device  boolean     NOT NULL DEFAULT false,
    new_network boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (request_id, person_id, purpose)
);
CREATE INDEX stepup_confirmations_waiting ON jit.stepup_confirmations (person_id) WHERE state = 'waiting';

-- Risk signals: the devices (hash of the id in a signed cookie) and addresses each person confirmed from.
CREATE TABLE jit.known_devices (
    person_id   text        NOT NULL,
    device_hash bytea       NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (person_id, device_hash)
);
CREATE TABLE jit.known_networks (
    person_id  text        NOT NULL,
    address    text        NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (person_id, address)
);

-- The ASP.NET Core Data Protection key ring, shared by every instance.
CREATE TABLE jit.data_protection_keys (
    friendly_name text        PRIMARY KEY,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
