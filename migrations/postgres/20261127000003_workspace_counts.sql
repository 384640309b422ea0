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

CREATE FUNCTION workspace_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workspace_counts (workspace_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER workspace_counted AFTER INSERT ON workspaces
    FOR EACH ROW EXECUTE FUNCTION workspace_counted();

CREATE FUNCTION member_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE workspace_counts SET members = members + 1, owners = owners + NEW.is_owner
        WHERE workspace_id = NEW.workspace_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE workspace_counts SET members = members - 1, owners = owners - OLD.is_owner
        WHERE workspace_id = OLD.workspace_id;
    ELSE
        UPDATE workspace_counts SET owners = owners + NEW.is_owner - OLD.is_owner
        WHERE workspace_id = NEW.workspace_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER member_counted AFTER INSERT OR DELETE OR UPDATE OF is_owner ON memberships
    FOR EACH ROW EXECUTE FUNCTION member_counted();

CREATE FUNCTION invitation_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change BIGINT := 0;
    ws TEXT;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'pending' THEN
        change := change + 1;
        ws := NEW.workspace_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'pending' THEN
        change := change - 1;
        ws := OLD.workspace_id;
    END IF;
    IF change <> 0 THEN
        UPDATE workspace_counts SET pending = pending + change WHERE workspace_id = ws;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER invitation_counted AFTER INSERT OR DELETE OR UPDATE OF status ON invitations
    FOR EACH ROW EXECUTE FUNCTION invitation_counted();
