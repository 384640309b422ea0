-- Flags are BIGINT 0/1 so that both databases decode them alike.
-- Times are Unix epoch milliseconds; ids are UUID strings.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,           -- trimmed and lowercased by the app
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,                  -- argon2id PHC string
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,                -- SHA-256 of the cookie value
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,             -- lowercased name: names are unique case-insensitively
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    is_owner     BIGINT NOT NULL DEFAULT 0,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    invited_by   TEXT NOT NULL REFERENCES users(id),
    token_hash   TEXT UNIQUE,                     -- SHA-256 of the newest link's token; NULL once closed
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'revoked')),
    send_email   BIGINT NOT NULL DEFAULT 1,
    created_at   BIGINT NOT NULL,                 -- when it was last sent or renewed
    expires_at   BIGINT NOT NULL,
    closed_at    BIGINT,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL
);
-- At most one open invitation per address and workspace.
CREATE UNIQUE INDEX invitations_one_pending ON invitations(workspace_id, email) WHERE status = 'pending';

-- The outbox: written in the same transaction as the change it announces,
-- delivered by a background worker.
CREATE TABLE emails (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('invitation')),
    invitation_id   TEXT REFERENCES invitations(id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,              -- for 'sending', the end of the worker's lease
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX emails_due ON emails(state, next_attempt_at);
CREATE INDEX emails_invitation ON emails(invitation_id);

CREATE TABLE boards (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content      TEXT NOT NULL,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX boards_workspace ON boards(workspace_id);

CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    actor_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX audit_events_workspace ON audit_events(workspace_id, at);
