//! Delivers the outbox: due emails claimed a batch at a time and sent several
//! at once, retried with backoff; each is sent once, and never inside a
//! transaction.
//! What an email says is composed when it is sent, by the `Compose` its kind
//! was registered with.

use super::transport::Transport;
use super::{Mailer, OutgoingEmail};
use crate::error::AppResult;
use crate::platform::changes::Change;
use crate::platform::db::{Db, Sql};
use crate::platform::time::now_ms;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// What composing a batch gives: each email's message, or `None` for one
/// that should no longer go, in the batch's order.
pub type Composed<'a> = Pin<Box<dyn Future<Output = AppResult<Vec<Option<OutgoingEmail>>>> + Send + 'a>>;

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

    /// The messages for several emails of this kind (subject id and
    /// recipient each), in their order. One at a time unless the kind
    /// composes a batch in a few statements (invitations do: the worker's
    /// batches are mostly theirs).
    fn compose_all<'a>(&'a self, emails: &'a [(String, String)]) -> Composed<'a> {
        Box::pin(async move {
            let mut composed = Vec::with_capacity(emails.len());
            for (subject_id, recipient) in emails {
                composed.push(self.compose(subject_id, recipient).await?);
            }
            Ok(composed)
        })
    }
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
/// time waiting on the server's answers, so throughput grows with the emails
/// in flight.
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

/// A claimed email, composed and ready to go.
struct Ready {
    id: String,
    subject_id: String,
    attempts: i64,
    email: OutgoingEmail,
}

/// The emails sent but not yet recorded as sent. A delivery adds its own and
/// then waits its turn to write; whoever has the turn writes all that are
/// waiting in one statement (a group commit), so that sixteen sends finishing
/// together cost one write, not sixteen, and none waits longer than the
/// write before it.
#[derive(Default)]
struct Sent {
    waiting: std::sync::Mutex<Vec<(String, Option<Change>)>>,
    turn: tokio::sync::Mutex<()>,
}

/// A running worker and what its steps share.
struct Run {
    worker: Worker,
    me: String,
    /// Emails claimed and not yet done with: the claims to renew.
    in_hand: AtomicUsize,
    sent: Sent,
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
    /// Runs until `shutdown` turns true: claims due emails a batch at a time,
    /// composes each batch together and sends several at once. The next
    /// batch is claimed as soon as the last of the one before has begun, so
    /// the connections stay busy from one batch to the next. On shutdown the
    /// emails being sent finish, and those claimed but not yet begun go back
    /// to the queue, so each is either sent or still queued.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let renew_every = self.claim_timeout / 4;
        // Owned by each step below (the steps outlive no borrow).
        let run = Arc::new(Run {
            worker: self,
            // This worker's name on the emails it claims, for renewing them.
            me: crate::platform::db::new_id(),
            in_hand: AtomicUsize::new(0),
            sent: Sent::default(),
        });

        let batches = futures_util::stream::unfold((run.clone(), shutdown.clone()), |(run, mut shutdown)| async move {
            let wake = run.worker.mailer.wakeup();
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                // A task of its own: the sends below poll this stream only
                // when one of them is done, and a claim left half-way would
                // hold SQLite's write door that their records wait for.
                let taking = run.clone();
                let taken = tokio::spawn(async move {
                    let claimed = taking.worker.claim(&taking.me).await?;
                    taking.in_hand.fetch_add(claimed.len(), Ordering::Relaxed);
                    let found = !claimed.is_empty();
                    Ok::<_, sqlx::Error>((found, taking.worker.prepare(claimed, &taking.in_hand).await))
                });
                match taken.await {
                    Ok(Ok((true, ready))) if !ready.is_empty() => {
                        return Some((futures_util::stream::iter(ready), (run, shutdown)));
                    }
                    Ok(Ok((true, _))) => continue,
                    Ok(Ok((false, _))) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "mail worker: database error"),
                    Err(e) => tracing::error!(error = %e, "mail worker: claiming failed"),
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(POLL.min(run.worker.claim_timeout / 2)) => {}
                    _ = shutdown.changed() => {}
                }
            }
        });
        let delivery = batches.flatten().for_each_concurrent(IN_FLIGHT, |email| {
            let (run, stopping) = (run.clone(), *shutdown.borrow());
            async move {
                let outcome = if stopping {
                    run.worker.release(&email.id).await
                } else {
                    run.worker.deliver(email, &run.sent).await
                };
                run.in_hand.fetch_sub(1, Ordering::Relaxed);
                if let Err(e) = outcome {
                    tracing::error!(error = %e, "mail worker: database error");
                }
            }
        });
        // The claims are renewed while any email is in hand, and no longer:
        // a worker that is dropped stops renewing with it.
        tokio::pin!(delivery);
        let mut renewal = tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
        loop {
            tokio::select! {
                _ = &mut delivery => break,
                _ = renewal.tick() => {
                    if run.in_hand.load(Ordering::Relaxed) > 0
                        && let Err(e) = run.worker.renew(&run.me).await
                    {
                        tracing::error!(error = %e, "mail worker: cannot renew its claims");
                    }
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Composes a claimed batch, each kind's emails together. What is not to
    /// be sent is recorded at once (cancelled, of an unknown kind, or put
    /// back for later when composing failed); the rest is returned.
    async fn prepare(&self, claimed: Vec<Claimed>, in_hand: &AtomicUsize) -> Vec<Ready> {
        let count = claimed.len();
        let mut by_kind: HashMap<String, Vec<Claimed>> = HashMap::new();
        for email in claimed {
            // An email about nothing is failed, as one of a kind not known.
            let kind = if email.subject_id.is_some() {
                email.kind.clone()
            } else {
                String::new()
            };
            by_kind.entry(kind).or_default().push(email);
        }
        let mut ready = Vec::new();
        for (kind, emails) in by_kind {
            let outcome = match self.kinds.get(kind.as_str()) {
                Some(compose) => {
                    let about: Vec<(String, String)> = emails
                        .iter()
                        .map(|e| (e.subject_id.clone().unwrap_or_default(), e.recipient.clone()))
                        .collect();
                    match compose.compose_all(&about).await {
                        Ok(composed) => self.sort_composed(emails, composed, &mut ready).await,
                        Err(e) => {
                            // Not these emails' fault: they are tried again a claim's time later.
                            e.log();
                            let ids: Vec<String> = emails.iter().map(|e| e.id.clone()).collect();
                            self.later(&ids).await
                        }
                    }
                }
                None => {
                    let mut done = Ok(());
                    for email in &emails {
                        tracing::error!(email_id = %email.id, kind, "mail worker: email of unknown kind");
                        done = done.and(self.finish(&email.id, "failed", Some("unknown kind")).await);
                    }
                    done
                }
            };
            if let Err(e) = outcome {
                tracing::error!(error = %e, "mail worker: database error");
            }
        }
        // What is not returned is done with.
        in_hand.fetch_sub(count - ready.len(), Ordering::Relaxed);
        ready
    }

    /// Pairs each claimed email with its message: those composed join
    /// `ready`, those whose message should no longer go are cancelled.
    async fn sort_composed(
        &self,
        emails: Vec<Claimed>,
        composed: Vec<Option<OutgoingEmail>>,
        ready: &mut Vec<Ready>,
    ) -> Result<(), sqlx::Error> {
        let mut done = Ok(());
        for (claimed, email) in emails.into_iter().zip(composed) {
            match (email, claimed.subject_id) {
                (Some(email), Some(subject_id)) => ready.push(Ready {
                    id: claimed.id,
                    subject_id,
                    attempts: claimed.attempts,
                    email,
                }),
                _ => done = done.and(self.finish(&claimed.id, "cancelled", None).await),
            }
        }
        done
    }

    /// Puts emails back in the queue, to be tried again a claim's time later.
    async fn later(&self, ids: &[String]) -> Result<(), sqlx::Error> {
        let mut sql = Sql::new("");
        let at = sql.arg(now_ms() + self.claim_ms());
        let listed = sql.args(ids);
        sql.push(&format!(
            "UPDATE emails SET state = 'queued', next_attempt_at = {at}, claimed_by = NULL WHERE id IN ({listed})"
        ));
        sql.query().execute(&self.db).await.map(drop)
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

    /// Sends one composed email, and records what became of it.
    async fn deliver(&self, ready: Ready, sent: &Sent) -> Result<(), sqlx::Error> {
        let Ready {
            id,
            subject_id,
            attempts,
            email,
        } = ready;
        match self.transport.send(&email).await {
            Ok(()) => {
                tracing::info!(email_id = %id, to = %email.to, "email sent");
                metrics::counter!(crate::platform::metrics::EMAILS_SENT).increment(1);
                let change = email
                    .workspace_id
                    .as_deref()
                    .map(|workspace_id| Change::new(workspace_id, "email.sent", &subject_id));
                self.record_sent(sent, id, change).await?;
            }
            Err(error) if attempts >= MAX_ATTEMPTS => {
                tracing::warn!(email_id = %id, to = %email.to, attempts, %error, "email not delivered; giving up");
                self.finish(&id, "failed", Some(&error)).await?;
                crate::platform::metrics::count(crate::platform::metrics::EMAILS_FAILED, "outcome", "gave_up");
                self.announce(&email, "email.failed", &subject_id).await;
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

    /// Records `id` as sent, with the emails sent alongside it (see `Sent`),
    /// and tells their workspaces' pages.
    async fn record_sent(&self, sent: &Sent, id: String, change: Option<Change>) -> Result<(), sqlx::Error> {
        sent.waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, change));
        let _turn = sent.turn.lock().await;
        let waiting = std::mem::take(&mut *sent.waiting.lock().unwrap_or_else(|e| e.into_inner()));
        if waiting.is_empty() {
            // Written by the delivery that had the turn before.
            return Ok(());
        }
        let (ids, changes): (Vec<String>, Vec<Option<Change>>) = waiting.into_iter().unzip();
        let changes: Vec<Change> = changes.into_iter().flatten().collect();
        let mut sql = Sql::new("");
        let at = sql.arg(now_ms());
        let listed = sql.args(&ids);
        let record = format!(
            "UPDATE emails SET state = 'sent', sent_at = {at}, last_error = NULL, claimed_by = NULL \
             WHERE id IN ({listed})"
        );
        if self.db.is_postgres() && !changes.is_empty() {
            // One round trip: the notices go out as the update commits.
            let notices = crate::platform::db::notices(&mut sql, &changes);
            sql.push(&format!("WITH recorded AS ({record}) {notices}"));
            return sql.query().execute(&self.db).await.map(drop);
        }
        sql.push(&record);
        sql.query().execute(&self.db).await?;
        if let Err(e) = self.db.announce_all(changes).await {
            tracing::warn!(error = %e, "mail worker: cannot announce what became of emails");
        }
        Ok(())
    }

    /// Tells the pages of the email's workspace what became of it.
    async fn announce(&self, email: &OutgoingEmail, kind: &str, subject_id: &str) {
        if let Some(workspace_id) = &email.workspace_id
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
