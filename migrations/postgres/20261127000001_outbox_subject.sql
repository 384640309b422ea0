-- The outbox knows kinds of email, not invitations: each row names the thing
-- its email is about by id.
ALTER TABLE emails RENAME COLUMN invitation_id TO subject_id;
