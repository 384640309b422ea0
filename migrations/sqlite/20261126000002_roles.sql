-- Roles: one row is one grant; rows sharing a name make one role.
CREATE TABLE roles (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    permission   TEXT NOT NULL CHECK (permission IN ('READ', 'WRITE')),
    resource     TEXT NOT NULL CHECK (resource IN ('DATA', 'DATA_EXECUTION', 'USER_MANAGEMENT', 'BUSINESS_INFO')),
    target       TEXT NOT NULL CHECK (target IN ('USER', 'GROUP')),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name, permission, resource, target)
);
CREATE INDEX roles_workspace_name ON roles(workspace_id, name);

-- Groups receive GROUP-target roles. The built-in group `everyone` has every
-- member without listing them.
CREATE TABLE groups (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    builtin      BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name_key)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE group_roles (
    group_id  TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    role_name TEXT NOT NULL,
    PRIMARY KEY (group_id, role_name)
);

CREATE TABLE member_roles (
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    role_name    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, role_name),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships(workspace_id, user_id) ON DELETE CASCADE
);

CREATE TABLE invitation_roles (
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    role_name     TEXT NOT NULL,
    PRIMARY KEY (invitation_id, role_name)
);

-- DATA_EXECUTION: when a board's data last ran, and who ran it.
ALTER TABLE boards ADD COLUMN last_run_at BIGINT;
ALTER TABLE boards ADD COLUMN last_run_by TEXT REFERENCES users(id) ON DELETE SET NULL;

-- Every existing workspace gets the defaults a new one starts with: the role
-- business_read (READ on all four resources) held by the group everyone.
INSERT INTO roles (id, workspace_id, name, permission, resource, target, created_at)
SELECT lower(hex(randomblob(16))), w.id, 'business_read', 'READ', r.resource, 'GROUP', w.created_at
FROM workspaces w CROSS JOIN (
    SELECT 'DATA' AS resource UNION ALL SELECT 'DATA_EXECUTION' UNION ALL SELECT 'USER_MANAGEMENT' UNION ALL SELECT 'BUSINESS_INFO'
) r;
INSERT INTO groups (id, workspace_id, name, name_key, builtin, created_at)
SELECT lower(hex(randomblob(16))), w.id, 'everyone', 'everyone', 1, w.created_at FROM workspaces w;
INSERT INTO group_roles (group_id, role_name) SELECT g.id, 'business_read' FROM groups g WHERE g.builtin = 1;
