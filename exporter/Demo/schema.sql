-- The reference product database: every relation of docs/contract.md (Relations) plus the demo CRM's own tables.
-- Applied by `saas-exporter demo seed` inside the configured schema (search_path). Idempotent.
CREATE TABLE IF NOT EXISTS accounts (
    account_id  bigint PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    is_internal boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS users (
    user_id                 bigint PRIMARY KEY,
    account_id              bigint NOT NULL REFERENCES accounts (account_id),
    created_at              timestamptz NOT NULL,
    activated_at            timestamptz NULL,
    onboarding_completed_at timestamptz NULL,
    is_internal             boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS events (
    user_id     bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    name        text NOT NULL,
    feature     text NULL,
    platform    text NULL
);

CREATE TABLE IF NOT EXISTS subscriptions (
    subscription_id  bigint NOT NULL,
    account_id       bigint NOT NULL,
    plan             text NOT NULL,
    billing_interval text NOT NULL,
    mrr              numeric NOT NULL,
    is_trial         boolean NOT NULL DEFAULT false,
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz NULL
);

CREATE TABLE IF NOT EXISTS tickets (
    ticket_id         bigint PRIMARY KEY,
    account_id        bigint NOT NULL,
    created_at        timestamptz NOT NULL,
    first_response_at timestamptz NULL,
    resolved_at       timestamptz NULL,
    priority          text NULL
);

CREATE TABLE IF NOT EXISTS survey_responses (
    user_id      bigint NOT NULL,
    account_id   bigint NOT NULL,
    survey       text NOT NULL,
    score        integer NOT NULL,
    responded_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS marketing_spend (
    period_start date NOT NULL,
    period_end   date NOT NULL,
    amount       numeric NOT NULL
);

-- The demo CRM's own objects, read only by user-defined SQL collectors.
CREATE TABLE IF NOT EXISTS contacts (
    contact_id bigint PRIMARY KEY,
    account_id bigint NOT NULL,
    user_id    bigint NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS deals (
    deal_id    bigint PRIMARY KEY,
    account_id bigint NOT NULL,
    user_id    bigint NOT NULL,
    created_at timestamptz NOT NULL,
    closed_at  timestamptz NULL,
    status     text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    amount     numeric NOT NULL
);
