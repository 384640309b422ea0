//! Delivers the outbox: due emails one at a time, retried with backoff, and on
//! shutdown it finishes the email in hand, so each is either sent or still queued.
//! What an email says is composed when it is sent, by the `Compose` its kind
//! was registered with.

use super::transport::Transport;
use super::{Mailer, OutgoingEmail};
use crate::error::AppResult;
use crate::platform::db::Db;
use crate::platform::time::now_ms;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Writes one kind of email, when it is about to be sent.
pub trait Compose: Send + Sync {
    /// The message about `subject_id`, or `None` when it should no longer go
    /// (what it announces was withdrawn or has expired).
    fn compose<'a>(
        &'a self,
        subject_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = AppResult<Option<OutgoingEmail>>> + Send + 'a>>;
}

/// The kinds of email the worker can send, by the name the outbox stores.
pub type Kinds = HashMap<&'static str, Arc<dyn Compose>>;

/// After this many failed attempts an email is marked failed and shown as
/// "Not delivered"; its link can still be shared by hand.
pub const MAX_ATTEMPTS: i64 = 6;
/// How long a claimed email is the claiming worker's before another may retry it.
const LEASE_MS: i64 = 5 * 60 * 1000;
const POLL: Duration = Duration::from_secs(5);

/// An email due for sending, as the outbox holds it.
#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    kind: String,
    subject_id: Option<String>,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
}

pub struct Worker {
    pub db: Db,
    pub transport: Transport,
    pub mailer: Mailer,
    pub kinds: Kinds,
}

/// Backoff before attempt `n + 1`: 30 s, 1 min, 2 min, … up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = (attempts - 1).clamp(0, 10) as u32;
    (30_000i64 * 2i64.pow(exp)).min(3_600_000)
}

impl Worker {
    /// Runs until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = self.mailer.wakeup();
        loop {
            loop {
                if *shutdown.borrow() {
                    break;
                }
                match self.deliver_next().await {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "mail worker: database error");
                        break;
                    }
                }
            }
            if *shutdown.borrow() {
                tracing::info!("mail worker stopped");
                return;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Delivers the next due email, if any; true when there may be more.
    pub async fn deliver_next(&self) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let Some(row) = sqlx::query_as::<_, Due>(
            "SELECT id, kind, subject_id, state, attempts, next_attempt_at FROM emails \
             WHERE state IN ('queued', 'sending') AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.db)
        .await?
        else {
            return Ok(false);
        };
        let id = row.id;
        let attempts = row.attempts + 1;

        // Claim it; another instance may have been quicker.
        let claimed = sqlx::query(
            "UPDATE emails SET state = 'sending', attempts = $1, next_attempt_at = $2 \
             WHERE id = $3 AND state = $4 AND next_attempt_at = $5",
        )
        .bind(attempts)
        .bind(now + LEASE_MS)
        .bind(&id)
        .bind(&row.state)
        .bind(row.next_attempt_at)
        .execute(&self.db)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(true);
        }

        let kind = row.kind;
        let email = match (self.kinds.get(kind.as_str()), row.subject_id) {
            (Some(compose), Some(subject_id)) => match compose.compose(&subject_id).await {
                Ok(Some(email)) => email,
                Ok(None) => {
                    self.finish(&id, "cancelled", None).await?;
                    return Ok(true);
                }
                Err(e) => {
                    e.log();
                    return Ok(false);
                }
            },
            _ => {
                tracing::error!(email_id = %id, kind, "mail worker: email of unknown kind");
                self.finish(&id, "failed", Some("unknown kind")).await?;
                return Ok(true);
            }
        };

        match self.transport.send(&email).await {
            Ok(()) => {
                tracing::info!(email_id = %id, to = %email.to, "email sent");
                self.finish(&id, "sent", None).await?;
            }
            Err(error) if attempts >= MAX_ATTEMPTS => {
                tracing::warn!(email_id = %id, to = %email.to, attempts, %error, "email not delivered; giving up");
                self.finish(&id, "failed", Some(&error)).await?;
            }
            Err(error) => {
                let retry_in = backoff_ms(attempts);
                tracing::warn!(email_id = %id, to = %email.to, attempts, retry_in_ms = retry_in, %error, "email not delivered; will retry");
                sqlx::query("UPDATE emails SET state = 'queued', next_attempt_at = $1, last_error = $2 WHERE id = $3")
                    .bind(now_ms() + retry_in)
                    .bind(truncate(&error))
                    .bind(&id)
                    .execute(&self.db)
                    .await?;
            }
        }
        Ok(true)
    }

    async fn finish(&self, id: &str, state: &str, error: Option<&str>) -> Result<(), sqlx::Error> {
        let sent_at = (state == "sent").then(now_ms);
        sqlx::query("UPDATE emails SET state = $1, sent_at = $2, last_error = $3 WHERE id = $4")
            .bind(state)
            .bind(sent_at)
            .bind(error.map(truncate))
            .bind(id)
            .execute(&self.db)
            .await?;
        Ok(())
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(super::backoff_ms(1), 30_000);
        assert_eq!(super::backoff_ms(2), 60_000);
        assert_eq!(super::backoff_ms(5), 480_000);
        assert_eq!(super::backoff_ms(20), 3_600_000);
    }
}
