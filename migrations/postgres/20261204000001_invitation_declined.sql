-- An invitation the invited person declined: closed (status 'revoked') with
-- the moment they declined, so that the inviter can see it.
ALTER TABLE invitations ADD COLUMN declined_at BIGINT;
CREATE INDEX invitations_declined ON invitations(workspace_id, created_at, id) WHERE declined_at IS NOT NULL;
