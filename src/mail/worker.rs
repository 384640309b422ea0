//! Delivers the outbox: due emails claimed a batch at a time and sent several
//! at once, retried with backoff; each is sent once, and never inside a
//! transaction.
//! What an email says is composed when it is sent, by the `Compose` its kind
//! was registered with.

use super::transport::Transport;
use super::{Mailer, OutgoingEmail};
use crate::error::AppResult;
use crate::platform::db::{Db, Sql};
use crate::platform::time::now_ms;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Writes one kind of email, when it is about to be sent.
pub trait Compose: Send + Sync {
    /// The message about `subject_id` for `recipient` (the address it was
    /// queued for), or `None` when it should no longer go (what it announces
    /// was withdrawn or has expired).
    fn compose<'a>(
        &'a self,
        subject_id: &'a str,
        recipient: &'a str,
    ) -> Pin<Box<dyn Future<Output = AppResult<Option<OutgoingEmail>>> + Send + 'a>>;
}

/// The kinds of email the worker can send, by the name the outbox stores.
pub type Kinds = HashMap<&'static str, Arc<dyn Compose>>;

/// After this many failed attempts an email is marked failed and shown as
/// "Not delivered"; its link can still be shared by hand.
pub const MAX_ATTEMPTS: i64 = 6;
/// The longest an idle worker waits before looking for due email again.
const POLL: Duration = Duration::from_secs(5);

/// How many due emails one claim takes.
const BATCH: i64 = 64;
/// How many emails are being sent at once, each on one of the transport's
/// pooled connections (as many as this). An SMTP exchange spends most of its
/// time waiting on the server (lettre writes a message's body and its closing
/// dot separately, so each message waits out the server's delayed ACK), so
/// throughput grows with the emails in flight.
pub const IN_FLIGHT: usize = super::transport::CONNECTIONS as usize;

/// An email claimed for sending.
#[derive(sqlx::FromRow)]
struct Claimed {
    id: String,
    kind: String,
    subject_id: Option<String>,
    recipient: String,
    attempts: i64,
}

pub struct Worker {
    pub db: Db,
    pub transport: Transport,
    pub mailer: Mailer,
    pub kinds: Kinds,
    /// How long a claimed email stays this worker's without being renewed.
    /// While the worker lives it renews its claims four times as often, so
    /// only a worker that died (or lost the database for that long) loses
    /// them, and another sends what it held within about this long.
    pub claim_timeout: Duration,
}

/// Backoff before attempt `n + 1`: 30 s, 1 min, 2 min, … up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = (attempts - 1).clamp(0, 10) as u32;
    (30_000i64 * 2i64.pow(exp)).min(3_600_000)
}

impl Worker {
    /// Runs until `shutdown` turns true: claims due emails a batch at a time
    /// and sends several at once. On shutdown the emails being sent finish,
    /// and those claimed but not yet begun go back to the queue, so each is
    /// either sent or still queued.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = self.mailer.wakeup();
        // This worker's name on the emails it claims, for renewing them.
        let me = crate::platform::db::new_id();
        let renew_every = self.claim_timeout / 4;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let claimed = match self.claim(&me).await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::error!(error = %e, "mail worker: database error");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(POLL.min(self.claim_timeout / 2)) => {}
                    _ = shutdown.changed() => {}
                }
                continue;
            }
            let (this, stop) = (&self, shutdown.clone());
            let batch = futures_util::stream::iter(claimed).for_each_concurrent(IN_FLIGHT, |email| {
                let stop = stop.clone();
                async move {
                    let outcome = if *stop.borrow() {
                        this.release(&email.id).await
                    } else {
                        this.deliver(email).await
                    };
                    if let Err(e) = outcome {
                        tracing::error!(error = %e, "mail worker: database error");
                    }
                }
            });
            // The claims are renewed for as long as the batch is in hand, and
            // no longer: a worker that is dropped stops renewing with it.
            tokio::pin!(batch);
            let mut renewal = tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
            loop {
                tokio::select! {
                    _ = &mut batch => break,
                    _ = renewal.tick() => {
                        if let Err(e) = self.renew(&me).await {
                            tracing::error!(error = %e, "mail worker: cannot renew its claims");
                        }
                    }
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Takes up to a batch of due emails for this worker. The conditional
    /// update is the claim: of workers racing for an email (instances sharing
    /// one PostgreSQL), the second finds its lease already set and leaves it.
    /// On PostgreSQL the batch is chosen and claimed in one statement that
    /// skips rows another worker is claiming at that moment, so instances
    /// take different batches instead of waiting on each other's.
    async fn claim(&self, me: &str) -> Result<Vec<Claimed>, sqlx::Error> {
        let now = now_ms();
        let mut sql = Sql::new("");
        let lease = sql.arg(now + self.claim_ms());
        let at = sql.arg(now);
        let by = sql.arg(me);
        let due = if self.db.is_postgres() {
            let batch = sql.arg(BATCH);
            format!(
                "SELECT id FROM emails WHERE state IN ('queued', 'sending') AND next_attempt_at <= {at} \
                 ORDER BY next_attempt_at LIMIT {batch} FOR UPDATE SKIP LOCKED"
            )
        } else {
            let due: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM emails WHERE state IN ('queued', 'sending') AND next_attempt_at <= $1 \
                 ORDER BY next_attempt_at LIMIT $2",
            )
            .bind(now)
            .bind(BATCH)
            .fetch_all(&self.db)
            .await?;
            if due.is_empty() {
                return Ok(Vec::new());
            }
            sql.args(&due)
        };
        sql.push(&format!(
            "UPDATE emails SET state = 'sending', attempts = attempts + 1, next_attempt_at = {lease}, claimed_by = {by} \
             WHERE id IN ({due}) AND state IN ('queued', 'sending') AND next_attempt_at <= {at} \
             RETURNING id, kind, subject_id, recipient, attempts"
        ));
        sql.query_as().fetch_all(&self.db).await
    }

    fn claim_ms(&self) -> i64 {
        self.claim_timeout.as_millis() as i64
    }

    /// Extends the claim on every email this worker is still sending.
    async fn renew(&self, me: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE emails SET next_attempt_at = $1 WHERE claimed_by = $2 AND state = 'sending'")
            .bind(now_ms() + self.claim_ms())
            .bind(me)
            .execute(&self.db)
            .await?;
        Ok(())
    }

    /// Puts an email claimed but not begun back in the queue, as it was.
    async fn release(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE emails SET state = 'queued', attempts = attempts - 1, next_attempt_at = $1, claimed_by = NULL \
             WHERE id = $2",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// Composes and sends one claimed email, and records what became of it.
    async fn deliver(&self, claimed: Claimed) -> Result<(), sqlx::Error> {
        let Claimed {
            id,
            kind,
            subject_id,
            recipient,
            attempts,
        } = claimed;
        let email = match (self.kinds.get(kind.as_str()), subject_id.as_deref()) {
            (Some(compose), Some(subject_id)) => match compose.compose(subject_id, &recipient).await {
                Ok(Some(email)) => email,
                Ok(None) => return self.finish(&id, "cancelled", None).await,
                Err(e) => {
                    // Not this email's fault: it is tried again a claim's time later.
                    e.log();
                    sqlx::query(
                        "UPDATE emails SET state = 'queued', next_attempt_at = $1, claimed_by = NULL WHERE id = $2",
                    )
                    .bind(now_ms() + self.claim_ms())
                    .bind(&id)
                    .execute(&self.db)
                    .await?;
                    return Ok(());
                }
            },
            _ => {
                tracing::error!(email_id = %id, kind, "mail worker: email of unknown kind");
                return self.finish(&id, "failed", Some("unknown kind")).await;
            }
        };

        match self.transport.send(&email).await {
            Ok(()) => {
                tracing::info!(email_id = %id, to = %email.to, "email sent");
                self.finish(&id, "sent", None).await?;
                metrics::counter!(crate::platform::metrics::EMAILS_SENT).increment(1);
                self.announce(&email, "email.sent", subject_id.as_deref()).await;
            }
            Err(error) if attempts >= MAX_ATTEMPTS => {
                tracing::warn!(email_id = %id, to = %email.to, attempts, %error, "email not delivered; giving up");
                self.finish(&id, "failed", Some(&error)).await?;
                crate::platform::metrics::count(crate::platform::metrics::EMAILS_FAILED, "outcome", "gave_up");
                self.announce(&email, "email.failed", subject_id.as_deref()).await;
            }
            Err(error) => {
                crate::platform::metrics::count(crate::platform::metrics::EMAILS_FAILED, "outcome", "retry");
                let retry_in = backoff_ms(attempts);
                tracing::warn!(email_id = %id, to = %email.to, attempts, retry_in_ms = retry_in, %error, "email not delivered; will retry");
                sqlx::query(
                    "UPDATE emails SET state = 'queued', next_attempt_at = $1, last_error = $2, claimed_by = NULL \
                     WHERE id = $3",
                )
                .bind(now_ms() + retry_in)
                .bind(truncate(&error))
                .bind(&id)
                .execute(&self.db)
                .await?;
            }
        }
        Ok(())
    }

    /// Tells the pages of the email's workspace what became of it.
    async fn announce(&self, email: &OutgoingEmail, kind: &str, subject_id: Option<&str>) {
        if let (Some(workspace_id), Some(subject_id)) = (&email.workspace_id, subject_id)
            && let Err(e) = self.db.announce(workspace_id, kind, subject_id).await
        {
            tracing::warn!(error = %e, "mail worker: cannot announce what became of an email");
        }
    }

    async fn finish(&self, id: &str, state: &str, error: Option<&str>) -> Result<(), sqlx::Error> {
        let sent_at = (state == "sent").then(now_ms);
        sqlx::query("UPDATE emails SET state = $1, sent_at = $2, last_error = $3, claimed_by = NULL WHERE id = $4")
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
