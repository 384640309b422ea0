-- Sign-in through the company's OpenID Connect provider.

-- An identity at a provider, as the provider names it: by issuer and
-- subject, never by email (addresses change hands; subjects do not). One per
-- account and provider.
CREATE TABLE identities (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,                -- what the provider said when it was linked
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE UNIQUE INDEX identities_user ON identities(user_id, issuer);

-- Sign-ins sent to the provider and not back yet: single use (deleted when
-- the provider's answer arrives), ten minutes, and only for the browser that
-- started it (the hash of a cookie set then).
CREATE TABLE oidc_logins (
    state_hash     TEXT PRIMARY KEY,            -- SHA-256 of the state sent to the provider
    browser_hash   TEXT NOT NULL,               -- SHA-256 of this sign-in's cookie
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT,                        -- a local path to go to afterwards
    invitation_id  TEXT,                        -- the invitation being accepted
    expires_at     BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins(expires_at);
