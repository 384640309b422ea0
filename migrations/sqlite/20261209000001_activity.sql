-- The workspace's Activity: who did what, as whom, from where, to whom, and
-- what changed.

-- Who acted, as they were called then (the account may be gone since).
ALTER TABLE audit_events ADD COLUMN actor_email TEXT;
-- The API token they acted with; NULL when signed in on a browser.
ALTER TABLE audit_events ADD COLUMN token_id TEXT;
ALTER TABLE audit_events ADD COLUMN token_name TEXT;
-- The address the request came from; NULL when nobody asked (the worker).
ALTER TABLE audit_events ADD COLUMN ip TEXT;
-- What changed, before and after, as a person reads it.
ALTER TABLE audit_events ADD COLUMN before_value TEXT;
ALTER TABLE audit_events ADD COLUMN after_value TEXT;

UPDATE audit_events SET actor_email = (SELECT u.email FROM users u WHERE u.id = audit_events.actor_id);

-- Newest first, whole or by kind, actor or target; the id breaks ties.
DROP INDEX audit_events_workspace;
CREATE INDEX audit_events_at ON audit_events(workspace_id, at, id);
CREATE INDEX audit_events_action ON audit_events(workspace_id, action, at, id);
CREATE INDEX audit_events_actor ON audit_events(workspace_id, actor_email, at, id);
CREATE INDEX audit_events_subject ON audit_events(workspace_id, subject, at, id);
-- Pruning past the retention reads oldest first across workspaces.
CREATE INDEX audit_events_age ON audit_events(at);
