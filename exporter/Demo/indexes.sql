-- Created after the bulk load (faster than maintaining them row by row). Each matches a query shape the exporter
-- runs: time-range scans of events, per-user scans, signups by time, subscription state at an instant.
-- The time-range index carries the columns the event collectors read, so their scans of the last 30-90 days are
-- index-only (once VACUUM has marked the pages all-visible) instead of reading the whole events table.
CREATE INDEX IF NOT EXISTS events_occurred_at_covering_idx ON events (occurred_at) INCLUDE (user_id, name, platform, feature);
CREATE INDEX IF NOT EXISTS events_user_occurred_at_idx ON events (user_id, occurred_at);
CREATE INDEX IF NOT EXISTS users_created_at_idx ON users (created_at);
CREATE INDEX IF NOT EXISTS users_account_idx ON users (account_id);
CREATE INDEX IF NOT EXISTS subscriptions_account_idx ON subscriptions (account_id, valid_from);
CREATE INDEX IF NOT EXISTS tickets_created_at_idx ON tickets (created_at);
CREATE INDEX IF NOT EXISTS survey_responses_responded_at_idx ON survey_responses (responded_at);
CREATE INDEX IF NOT EXISTS deals_created_at_idx ON deals (created_at);
CREATE INDEX IF NOT EXISTS contacts_created_at_idx ON contacts (created_at);
ANALYZE;
