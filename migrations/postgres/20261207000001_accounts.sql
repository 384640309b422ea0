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
UPDATE sessions SET id = md5(token_hash), last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
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
-- about by id, of whatever kind the worker knows.
ALTER TABLE emails DROP CONSTRAINT IF EXISTS emails_kind_check;
ALTER TABLE emails DROP CONSTRAINT IF EXISTS emails_invitation_id_fkey;
