//! The outbox: email written in the same transaction as the change it
//! announces, and read back by the worker. It knows kinds of email and the id
//! of what each is about, not what those things are.

use crate::error::AppResult;
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;
use std::collections::HashMap;

/// Where an email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Queued,
    Sending,
    Sent,
    Failed,
    Cancelled,
}

impl State {
    fn parse(s: &str) -> State {
        match s {
            "queued" => State::Queued,
            "sending" => State::Sending,
            "sent" => State::Sent,
            "failed" => State::Failed,
            _ => State::Cancelled,
        }
    }
}

/// Queues an email of `kind` about `subject_id` for `recipient`, inside the
/// caller's transaction. What it says is composed when it is sent.
/// How many emails wait to be sent, and when the oldest was queued.
pub async fn backlog(db: &Db) -> AppResult<(i64, Option<i64>)> {
    Ok(
        sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM emails WHERE state = 'queued'")
            .fetch_one(db)
            .await?,
    )
}

pub async fn enqueue(tx: &mut Tx<'_>, kind: &str, subject_id: &str, recipient: &str) -> AppResult<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)",
    )
    .bind(db::new_id())
    .bind(kind)
    .bind(subject_id)
    .bind(recipient)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Drops the unsent email about `subject_id` (after it was renewed, withdrawn
/// or used), inside the caller's transaction.
pub async fn cancel(tx: &mut Tx<'_>, subject_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE emails SET state = 'cancelled' WHERE subject_id = $1 AND state = 'queued'")
        .bind(subject_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queues again the newest email about `subject_id` if it was cancelled before
/// it went out (the change that cancelled it was undone), inside the caller's
/// transaction.
pub async fn resume(tx: &mut Tx<'_>, subject_id: &str) -> AppResult<()> {
    sqlx::query(
        "UPDATE emails SET state = 'queued', next_attempt_at = $2 WHERE subject_id = $1 AND state = 'cancelled' \
         AND created_at = (SELECT MAX(created_at) FROM emails WHERE subject_id = $1)",
    )
    .bind(subject_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The state of the newest email about each of `subject_ids`, with the error
/// of its last failed attempt.
pub async fn latest(db: &Db, subject_ids: &[String]) -> AppResult<HashMap<String, (State, Option<String>)>> {
    if subject_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = (1..=subject_ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql =
        format!("SELECT subject_id, state, last_error FROM emails WHERE subject_id IN ({list}) ORDER BY created_at");
    let mut query = sqlx::query_as::<_, (String, String, Option<String>)>(&sql);
    for id in subject_ids {
        query = query.bind(id);
    }
    let mut latest = HashMap::new();
    // Oldest first, so the newest of each is the one that stays.
    for (subject_id, state, last_error) in query.fetch_all(db).await? {
        latest.insert(subject_id, (State::parse(&state), last_error));
    }
    Ok(latest)
}
