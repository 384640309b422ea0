-- Inviting from a spreadsheet: the name it gives (suggested when the
-- person signs up) and the groups they join when they accept.
ALTER TABLE invitations ADD COLUMN invitee_name TEXT;

CREATE TABLE invitation_groups (
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    group_id      TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, group_id)
);

-- A file uploaded on the Users page, between its preview and its sending
-- (and its results after); kept a day.
CREATE TABLE invitation_imports (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    results      TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX invitation_imports_age ON invitation_imports(created_at);
