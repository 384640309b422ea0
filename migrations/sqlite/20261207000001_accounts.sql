-- Accounts prove their address, people can get back in, and see their sessions.

-- When the address was proven (a link in an email opened); NULL: not yet.
-- 0: an account made before addresses were checked, which keeps working as
-- it did but has proven nothing (so it is not offered the invitations
-- addressed to it until a link emailed to it is opened).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
UPDATE users SET email_verified_at = 0;
-- API tokens made before this moment do not work (NULL: all do). Set when
-- the holder of the mailbox takes over an account someone else started.
ALTER TABLE users ADD COLUMN tokens_valid_from BIGINT;

-- A session's public id (for ending it from the sessions list), where and
-- with what it signed in, and when it was last used.
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
UPDATE sessions SET id = lower(hex(randomblob(16))), last_seen_at = created_at;
CREATE UNIQUE INDEX sessions_id ON sessions(id);

-- Links emailed about an account: proving its address, resetting its
-- password, moving it to a new address. Single use: a row is deleted when
-- its link is used. The token is minted when its email is sent.
CREATE TABLE account_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'email_change')),
    token_hash  TEXT UNIQUE,                   -- SHA-256 of the newest link's token; NULL until minted
    new_email   TEXT,                          -- email_change: the address to move to
    workspace   TEXT,                          -- verify: the workspace to create once proven
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
-- One live link per account and purpose: a new one replaces the old.
CREATE UNIQUE INDEX account_tokens_user ON account_tokens(user_id, purpose);

-- Whether an invitation's current link was emailed (1) or handed to the
-- inviter (0): only an emailed link proves its holder reads the mailbox.
ALTER TABLE invitations ADD COLUMN link_emailed BIGINT NOT NULL DEFAULT 0;

-- The outbox carries email about accounts too: its rows name what they are
-- about by id, of whatever kind the worker knows. (SQLite changes a table's
-- constraints by building it again.)
CREATE TABLE emails_new (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    subject_id      TEXT,
    recipient       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    claimed_by      TEXT
);
INSERT INTO emails_new (id, kind, subject_id, recipient, state, attempts, next_attempt_at, last_error, created_at, sent_at, claimed_by)
    SELECT id, kind, subject_id, recipient, state, attempts, next_attempt_at, last_error, created_at, sent_at, claimed_by FROM emails;
DROP TABLE emails;
ALTER TABLE emails_new RENAME TO emails;
CREATE INDEX emails_due ON emails(state, next_attempt_at);
CREATE INDEX emails_subject ON emails(subject_id, created_at);
