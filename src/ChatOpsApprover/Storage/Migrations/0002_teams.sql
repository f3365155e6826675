-- What Teams told us about a registered person in a validated activity: their Teams user id (29:…), tenant and
-- connector region, and the 1:1 conversation with the bot, so direct messages reach them.
CREATE TABLE jit.teams_users (
    aad_object_id            text        PRIMARY KEY,
    teams_user_id            text,
    tenant_id                text,
    service_url              text,
    personal_conversation_id text,
    updated_at               timestamptz NOT NULL
);

-- Inbound activities already handled: the connector retries, and a retried command must not run twice.
CREATE TABLE jit.teams_inbound_activities (
    conversation_id text        NOT NULL,
    activity_id     text        NOT NULL,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, activity_id)
);
CREATE INDEX teams_inbound_activities_received ON jit.teams_inbound_activities (received_at);
