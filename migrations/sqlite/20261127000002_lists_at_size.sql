-- Lists are read a page at a time in a stable order (keyset pagination), so
-- each order has an index that ends in the row's id.

-- Members are listed by name. The name lives in users; a member's list key is
-- kept with the membership (people cannot rename themselves), so that a page
-- of a 100,000-member workspace is read from one index.
ALTER TABLE memberships ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE memberships SET sort_name = (SELECT lower(u.name) FROM users u WHERE u.id = memberships.user_id);
CREATE INDEX memberships_by_name ON memberships(workspace_id, sort_name, user_id);
CREATE INDEX memberships_owners ON memberships(workspace_id, is_owner, sort_name, user_id);

-- Pending invitations, newest first.
CREATE INDEX invitations_pending ON invitations(workspace_id, status, created_at, id);

-- The roles each member holds, and who holds a role.
CREATE INDEX member_roles_by_role ON member_roles(workspace_id, role_name, user_id);

-- An invitation's newest email.
CREATE INDEX emails_subject ON emails(subject_id, created_at);
