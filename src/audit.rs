//! The audit trail: what was done in a workspace, by whom and when, written
//! inside the change it describes. It also answers how often something was
//! done lately, which is what the invitation limits count.

use crate::access::Access;
use crate::error::AppResult;
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;

/// How a change by the caller ends: `action` on `subject` is written to the
/// trail inside the change, and the change is committed.
pub async fn commit(mut tx: Tx<'_>, access: &Access, action: &str, subject: &str) -> AppResult<()> {
    record(&mut tx, &access.workspace_id, Some(&access.user.id), action, subject).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends to the workspace's audit trail, inside the change it describes.
pub async fn record(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    actor_id: Option<&str>,
    action: &str,
    subject: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, action, subject, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(db::new_id())
    .bind(workspace_id)
    .bind(actor_id)
    .bind(action)
    .bind(subject)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the newest (at most `limit`) of `actions` in the workspace's trail
/// since `since` happened, newest first; only `actor`'s when given.
pub async fn recent_times(
    db: &Db,
    workspace_id: &str,
    actor: Option<&str>,
    actions: [&str; 2],
    since: i64,
    limit: u32,
) -> AppResult<Vec<i64>> {
    let sql = format!(
        "SELECT at FROM audit_events WHERE workspace_id = $1 AND action IN ($2, $3) AND at > $4 {} \
         ORDER BY at DESC LIMIT {limit}",
        if actor.is_some() { "AND actor_id = $5" } else { "" }
    );
    let mut query = sqlx::query_scalar(&sql)
        .bind(workspace_id)
        .bind(actions[0])
        .bind(actions[1])
        .bind(since);
    if let Some(actor) = actor {
        query = query.bind(actor);
    }
    Ok(query.fetch_all(db).await?)
}
