-- How many members, owners and pending invitations each workspace has, kept
-- by triggers in the same transaction as each change: a page's headings read
-- one row, however large the workspace.
CREATE TABLE workspace_counts (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    members      BIGINT NOT NULL DEFAULT 0,
    owners       BIGINT NOT NULL DEFAULT 0,
    pending      BIGINT NOT NULL DEFAULT 0
);

INSERT INTO workspace_counts (workspace_id, members, owners, pending)
SELECT w.id,
       (SELECT COUNT(*) FROM memberships m WHERE m.workspace_id = w.id),
       (SELECT COUNT(*) FROM memberships m WHERE m.workspace_id = w.id AND m.is_owner = 1),
       (SELECT COUNT(*) FROM invitations i WHERE i.workspace_id = w.id AND i.status = 'pending')
FROM workspaces w;

CREATE TRIGGER workspace_counted AFTER INSERT ON workspaces BEGIN
    INSERT INTO workspace_counts (workspace_id) VALUES (NEW.id);
END;

CREATE TRIGGER member_counted AFTER INSERT ON memberships BEGIN
    UPDATE workspace_counts SET members = members + 1, owners = owners + NEW.is_owner
    WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER member_uncounted AFTER DELETE ON memberships BEGIN
    UPDATE workspace_counts SET members = members - 1, owners = owners - OLD.is_owner
    WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER owner_counted AFTER UPDATE OF is_owner ON memberships BEGIN
    UPDATE workspace_counts SET owners = owners + NEW.is_owner - OLD.is_owner
    WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER invitation_counted AFTER INSERT ON invitations WHEN NEW.status = 'pending' BEGIN
    UPDATE workspace_counts SET pending = pending + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER invitation_recounted AFTER UPDATE OF status ON invitations
WHEN (OLD.status = 'pending') <> (NEW.status = 'pending') BEGIN
    UPDATE workspace_counts SET pending = pending + (CASE WHEN NEW.status = 'pending' THEN 1 ELSE -1 END)
    WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER invitation_uncounted AFTER DELETE ON invitations WHEN OLD.status = 'pending' BEGIN
    UPDATE workspace_counts SET pending = pending - 1 WHERE workspace_id = OLD.workspace_id;
END;
