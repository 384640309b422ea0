//! The outbox across instances: a claim on an email lasts `MAIL_CLAIM_TIMEOUT`
//! unless the worker holding it renews it, which it does while it lives.

use crate::harness::{Backend, TestApp};
use crate::on_both_databases;
use crate::smtp::SmtpServer;
use std::time::{Duration, Instant};

on_both_databases!(
    a_dead_instances_emails_are_sent_by_another_within_the_claim_time,
    a_claim_renewed_while_a_slow_smtp_server_holds_the_message_is_not_taken,
);

const CLAIM: &str = "2s";

/// Waits until `count` invitation emails are sent, and no longer claimed by anyone.
async fn wait_until_sent(app: &TestApp, count: i64) {
    let sent = "SELECT COUNT(*) FROM emails WHERE state = 'sent' AND claimed_by IS NULL AND kind = $1";
    app.wait_until_count(sent, "invitation", count, "invitation emails recorded as sent")
        .await;
}

/// The addresses of the invitation emails a worker holds (claimed for
/// sending), once `total` are queued and a worker has taken at least one.
/// Each invitation is its own transaction, so a worker may take the first
/// few in one batch and the rest only after that batch is done; with the
/// SMTP server holding every message, that is never.
async fn claimed_once_all_queued(app: &TestApp, total: i64) -> Vec<String> {
    for _ in 0..2400 {
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT recipient, claimed_by FROM emails WHERE kind = 'invitation' ORDER BY recipient")
                .fetch_all(&app.db)
                .await
                .unwrap();
        let claimed: Vec<String> = rows
            .iter()
            .filter(|(_, by)| by.is_some())
            .map(|(to, _)| to.clone())
            .collect();
        if rows.len() as i64 == total && !claimed.is_empty() {
            return claimed;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no worker took any of {total} emails");
}

/// One instance takes emails and dies in the middle of sending them (its SMTP
/// server holds every message unanswered); another instance on the same
/// database sends all ten, each once: those the dead one held as soon as its
/// claims lapse.
async fn a_dead_instances_emails_are_sent_by_another_within_the_claim_time(backend: Backend) {
    let held = SmtpServer::start_held().await;
    let vars = [("MAIL_CLAIM_TIMEOUT", CLAIM)];
    let dying = TestApp::spawn_with_smtp(backend, held.clone(), &vars).await;
    let (ada, ws) = dying.owner("Ada", "ada@example.com", "Acme").await;
    let addresses: Vec<String> = (1..=10).map(|n| format!("p{n:02}@example.com")).collect();
    ada.invite(&ws, &addresses.join(", ")).await.ok();
    let held_by_the_dead = claimed_once_all_queued(&dying, 10).await;

    let database_url = dying.database_url.clone();
    dying.kill().await;
    let died = Instant::now();
    let other = TestApp::resume(database_url, SmtpServer::start().await, &vars).await;
    other.smtp.wait_for_count(10).await;
    let took = died.elapsed();
    let mut got: Vec<String> = other.smtp.received().iter().flat_map(|e| e.to.clone()).collect();
    got.sort();
    assert_eq!(got, addresses, "every address once");
    for address in &held_by_the_dead {
        assert!(got.contains(address), "{address}, held by the dead instance, was sent");
    }
    assert!(held.received().is_empty(), "the dead instance sent nothing");
    // The claims lapse a claim's time after the last renewal; the other
    // instance looks every half claim. The old five-minute lease never lapses
    // within the wait above.
    assert!(took < Duration::from_secs(30), "sent {took:?} after the death");
    wait_until_sent(&other, 10).await;
    other.stop().await;
}

/// A slow SMTP server holds the messages a worker has taken for several claim
/// times; the worker renews its claims, so a second instance on the same
/// database takes none of them (it may send those no one had taken), and each
/// address gets one email.
async fn a_claim_renewed_while_a_slow_smtp_server_holds_the_message_is_not_taken(backend: Backend) {
    let held = SmtpServer::start_held().await;
    let vars = [("MAIL_CLAIM_TIMEOUT", CLAIM)];
    let sender = TestApp::spawn_with_smtp(backend, held.clone(), &vars).await;
    let (ada, ws) = sender.owner("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com, kim@example.com, lee@example.com")
        .await
        .ok();
    let taken = claimed_once_all_queued(&sender, 3).await;
    let claims = || async {
        sqlx::query_as::<_, (String, String, i64)>(
            "SELECT recipient, claimed_by, attempts FROM emails WHERE kind = 'invitation' AND claimed_by IS NOT NULL \
             ORDER BY recipient",
        )
        .fetch_all(&sender.db)
        .await
        .unwrap()
    };
    let before = claims().await;

    let other = TestApp::resume(sender.database_url.clone(), SmtpServer::start().await, &vars).await;
    // Three claim times, with the other worker looking every half claim.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let sent_by_other =
        |smtp: &SmtpServer| -> Vec<String> { smtp.received().iter().flat_map(|e| e.to.clone()).collect() };
    for address in &taken {
        assert!(
            !sent_by_other(&other.smtp).contains(address),
            "another worker took the renewed claim on {address}"
        );
    }
    let still: Vec<_> = claims()
        .await
        .into_iter()
        .filter(|(to, _, _)| taken.contains(to))
        .collect();
    assert_eq!(still, before, "the claims are the same worker's, first attempt");

    for _ in 0..3 {
        held.release();
    }
    other.smtp.wait_for_count(3 - taken.len()).await;
    held.wait_for_count(taken.len()).await;
    wait_until_sent(&sender, 3).await;
    // And nothing more goes out afterwards.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut everyone: Vec<String> = sent_by_other(&other.smtp);
    everyone.extend(sent_by_other(&held));
    everyone.sort();
    assert_eq!(
        everyone,
        ["jon@example.com", "kim@example.com", "lee@example.com"],
        "each address once"
    );
    let mut by_held = sent_by_other(&held);
    by_held.sort();
    assert_eq!(
        by_held, taken,
        "the held messages went out through the worker that held them"
    );
    other.stop().await;
    sender.stop().await;
}
