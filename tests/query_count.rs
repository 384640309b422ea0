//! A page view runs a small number of queries, and the same number whatever
//! the size of its lists. Counted from sqlx's own statement events, in a
//! process of its own (the count is of everything the process queries).

#[allow(dead_code)]
#[path = "api/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "api/smtp.rs"]
mod smtp;

#[path = "api/idp.rs"]
#[allow(dead_code)]
mod idp;

use harness::{Backend, Person, TestApp};
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

static QUERIES: AtomicUsize = AtomicUsize::new(0);

/// Counts every statement sqlx runs.
struct Counter;

impl<S: tracing::Subscriber> Layer<S> for Counter {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            QUERIES.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The fewest statements one GET of `path` ran, of three (the mail worker's
/// poll may fall into one of them).
async fn queries_for(person: &Person, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let before = QUERIES.load(Ordering::SeqCst);
        let res = person.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap();
        fewest = fewest.min(QUERIES.load(Ordering::SeqCst) - before);
    }
    fewest
}

/// The queries of the Users page, plain and searched, in a workspace of `n`
/// members besides its owner and `n` pending invitations; and of the
/// Activity page, plain and filtered, over `10 n` events.
async fn counts_for(backend: Backend, n: usize) -> [usize; 4] {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let ada_id = ada.member(&ws, "ada@example.com").await.user_id;
    app.seed(&ws, &ada_id, n, n).await;
    app.seed_events(&ws, 10 * n as i64, 1_780_000_000_000, 0).await;
    let counts = [
        queries_for(&ada, &format!("/w/{ws}/users")).await,
        queries_for(&ada, &format!("/w/{ws}/users?q=member0&state=waiting")).await,
        queries_for(&ada, &format!("/w/{ws}/activity")).await,
        queries_for(
            &ada,
            &format!("/w/{ws}/activity?kind=member.roles&actor=actor3%40example.com&from=2026-05-29"),
        )
        .await,
    ];
    app.stop().await;
    counts
}

/// The statements the mail worker runs to take `n` waiting invitation
/// emails and begin sending them: from the moment they are queued (straight
/// into the database, in a fixed number of statements) until the SMTP
/// server holds as many as are sent at once, unanswered, so that nothing is
/// recorded yet. The fewest of three rounds (a round may also open a pooled
/// connection, or fall on the worker's look for more).
async fn queries_to_take_a_batch(backend: Backend, n: usize) -> usize {
    let held = smtp::SmtpServer::start_held().await;
    // Long claims: no renewal falls into the count.
    let app = TestApp::spawn_with_smtp(backend, held.clone(), &[("MAIL_CLAIM_TIMEOUT", "10m")]).await;
    let (_, ws) = app.owner("Ada", "ada@example.com", "Acme").await;
    let ada = app.user_id("ada@example.com").await;
    let far = 4_102_444_800_000i64;
    let at_once = n.min(boardroom::mail::worker::IN_FLIGHT);
    let mut fewest = usize::MAX;
    for round in 0..3 {
        let id = |i: usize| format!("{round}-{i}");
        let invitations: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "('b{}', '{ws}', 'b{}@example.com', '{ada}', 'pending', 1, 1, {far})",
                    id(i),
                    id(i)
                )
            })
            .collect();
        let roles: Vec<String> = (0..n).step_by(3).map(|i| format!("('b{}', 'editor')", id(i))).collect();
        let emails: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "('e{}', 'invitation', 'b{}', 'b{}@example.com', 'queued', 0, 0, 1)",
                    id(i),
                    id(i),
                    id(i)
                )
            })
            .collect();
        let before = QUERIES.load(Ordering::SeqCst);
        let mut tx = app.db.begin().await.unwrap();
        for sql in [
            format!(
                "INSERT INTO invitations (id, workspace_id, email, invited_by, status, send_email, created_at, expires_at) VALUES {}",
                invitations.join(", ")
            ),
            format!(
                "INSERT INTO invitation_roles (invitation_id, role_name) VALUES {}",
                roles.join(", ")
            ),
            format!(
                "INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, created_at) VALUES {}",
                emails.join(", ")
            ),
        ] {
            sqlx::query(&sql).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        // The worker finds them on its next look (within 5 s).
        for _ in 0..800 {
            if held.holding() >= at_once {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(held.holding(), at_once, "{backend:?}: sending began");
        fewest = fewest.min(QUERIES.load(Ordering::SeqCst) - before);
        // Let them all through, and wait until the worker has recorded them.
        for _ in 0..n {
            held.release();
        }
        held.wait_for_count((round + 1) * n).await;
        let sent = "SELECT COUNT(*) FROM emails WHERE state = 'sent' AND kind = $1";
        app.wait_until_count(sent, "invitation", ((round + 1) * n) as i64, "emails recorded as sent")
            .await;
    }
    app.stop().await;
    fewest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_view_runs_the_same_few_queries_at_any_size() {
    let subscriber = Registry::default().with(
        Counter
            .with_filter(tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE)),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let small = counts_for(backend, 10).await;
        let large = counts_for(backend, 3_000).await;
        println!(
            "{backend:?}: Users page {} queries with 10 members and 10 invitations, {} with 3,000 each; \
             searching: {}, {}; Activity page over 100 and 30,000 events: {}, {}; filtered: {}, {}",
            small[0], large[0], small[1], large[1], small[2], large[2], small[3], large[3]
        );
        for (view, (s, l)) in ["Users", "Users searched", "Activity", "Activity filtered"]
            .into_iter()
            .zip(small.into_iter().zip(large))
        {
            assert_eq!(s, l, "{backend:?}: {view}: the count grew with the lists");
            assert!(l <= 15, "{backend:?}: {view}: {l} queries for one view");
        }
        // (In the same test: the count is of everything this process runs.)
        let few = queries_to_take_a_batch(backend, 5).await;
        let many = queries_to_take_a_batch(backend, 60).await;
        println!("{backend:?}: the mail worker took and composed 5 emails in {few} statements, 60 in {many}");
        // With 5, every email is in flight at once and the worker may already
        // have looked for more; either may include one look that found none.
        assert!(
            few.abs_diff(many) <= 2,
            "{backend:?}: {few} for 5 emails, {many} for 60"
        );
        assert!(few <= 12, "{backend:?}: {few} statements to take 5 emails");
    }
}
