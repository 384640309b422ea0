-- Who may be invited to a workspace, and how many seats it has.

-- The domains invitations may go to, one per line ("example.com"; with
-- "*." in front, its subdomains too); empty: any address.
ALTER TABLE workspaces ADD COLUMN allowed_domains TEXT NOT NULL DEFAULT '';
-- The most members plus open invitations; NULL: no limit of its own.
ALTER TABLE workspaces ADD COLUMN seat_limit BIGINT;

-- Counting the open invitations (for seats) reads only the open ones.
CREATE INDEX invitations_open ON invitations(workspace_id, status, expires_at);
