-- When an invitation's email was last queued (NULL: never emailed), so that
-- the resend interval counts from an email and not from the invitation.
ALTER TABLE invitations ADD COLUMN emailed_at BIGINT;
UPDATE invitations SET emailed_at = created_at WHERE send_email = 1;
-- Which mail worker holds an email it is sending; the worker renews its claim
-- (next_attempt_at) while it is alive.
ALTER TABLE emails ADD COLUMN claimed_by TEXT;
