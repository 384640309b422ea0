//! Writing email to the outbox, inside the caller's transaction.

use crate::error::AppResult;
use crate::platform::db::{self, Tx, now_ms};

/// Queues the email for an invitation. Its link is minted when it is sent, so no
/// usable token ever rests in the database.
pub async fn enqueue_invitation(tx: &mut Tx<'_>, invitation_id: &str, recipient: &str) -> AppResult<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO emails (id, kind, invitation_id, recipient, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, 'invitation', $2, $3, 'queued', 0, $4, $4)",
    )
    .bind(db::new_id())
    .bind(invitation_id)
    .bind(recipient)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Drops the invitation's unsent email (after a renewal, revocation or acceptance).
pub async fn cancel_for_invitation(tx: &mut Tx<'_>, invitation_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE emails SET state = 'cancelled' WHERE invitation_id = $1 AND state = 'queued'")
        .bind(invitation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
