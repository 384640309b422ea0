-- Attempts counted against a rate limit, shared by every instance on one
-- database (used on PostgreSQL; a single SQLite process counts in memory).
-- One fixed window a key: when it started (ms since the epoch) and how many
-- attempts fell in it.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);
CREATE INDEX rate_limits_age ON rate_limits(window_start);
