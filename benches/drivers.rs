//! sqlx's `Any` driver, which the app uses so that each query is written once
//! for SQLite and PostgreSQL, against each database's own driver, on the two
//! paths the speed targets are about: a 200-row page of the members list
//! (the app's query, from the middle of 100,000 members, as the Users page
//! and the list API read it) and an invitation's transaction (the invitation
//! and its queued email, committed). 16 tasks at once on a two-thread
//! runtime, as wrk's 16 connections meet the server; 3 s a figure.
//!
//!   cargo bench --features ssr --bench drivers -- sqlite://PATH | postgres://URL
//!
//! Prints one Markdown row per path. The database is made fresh for the run
//! (the app's migrations, then 100,000 members in one statement).

use sqlx::FromRow;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PAGE: i64 = 200;
const TASKS: usize = 16;
const FOR: Duration = Duration::from_secs(3);

/// The members list's query (`members::service::page`), one page after a cursor.
const PAGE_SQL: &str = "SELECT u.id, u.name, u.email, m.is_owner, m.joined_at, m.sort_name \
     FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.workspace_id = $1 AND (m.sort_name, m.user_id) > ($2, $3) \
     ORDER BY m.sort_name ASC, m.user_id ASC LIMIT $4";

#[derive(FromRow)]
#[allow(dead_code)]
struct Member {
    id: String,
    name: String,
    email: String,
    is_owner: i64,
    joined_at: i64,
    sort_name: String,
}

const INVITE_SQL: &str = "INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, \
     send_email, created_at, expires_at) VALUES ($1, 'w', $2, 'owner', $3, 'pending', 1, 0, 604800000)";
const EMAIL_SQL: &str = "INSERT INTO emails (id, kind, subject_id, recipient, state, attempts, next_attempt_at, \
     created_at) VALUES ($1, 'invitation', $2, $3, 'sent', 1, 0, 0)";

const SEED: [&str; 4] = [
    "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('owner', 'owner@bench.example', 'Owner', 'none', 0)",
    "INSERT INTO workspaces (id, name, name_key, created_by, created_at) VALUES ('w', 'Bench', 'bench', 'owner', 0)",
    "INSERT INTO users (id, email, name, password_hash, created_at) \
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999) \
     SELECT 'u' || i, 'member' || i || '@bench.example', 'Member ' || i, 'none', i FROM n",
    "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) \
     SELECT 'w', id, 0, 'owner', created_at, lower(name) FROM users WHERE id <> 'owner'",
];

/// Reads one page from the middle of the list through `$pool` (any
/// driver's pool), checking it is whole.
macro_rules! page {
    ($pool:expr, $n:expr) => {{
        let rows: Vec<Member> = sqlx::query_as(PAGE_SQL)
            .bind("w")
            .bind(cursor($n))
            .bind("")
            .bind(PAGE)
            .fetch_all($pool)
            .await
            .unwrap();
        assert_eq!(rows.len() as i64, PAGE);
    }};
}

/// Commits an invitation and its email in `$tx` (any driver's transaction).
macro_rules! invite {
    ($tx:expr, $driver:expr, $n:expr) => {{
        let mut tx = $tx;
        let id = format!("{}-{}", $driver, $n);
        let email = format!("{id}@bench.example");
        sqlx::query(INVITE_SQL)
            .bind(&id)
            .bind(&email)
            .bind(format!("hash-{id}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(EMAIL_SQL)
            .bind(format!("e-{id}"))
            .bind(&id)
            .bind(&email)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }};
}

/// Runs `op` from `TASKS` tasks for `FOR`; operations a second.
async fn rate<F, Fut>(op: F) -> f64
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let op = Arc::new(op);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (op, done) = (op.clone(), done.clone());
            tokio::spawn(async move {
                while started.elapsed() < FOR {
                    let n = done.fetch_add(1, Ordering::Relaxed);
                    op(n).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// A cursor in the middle of the list, moving with `n`.
fn cursor(n: u64) -> String {
    format!("member {}", 40_000 + n % 20_000)
}

/// Pages read a second through `$pool` (any driver's pool, cloned per task).
macro_rules! page_rate {
    ($pool:expr) => {{
        let pool = $pool.clone();
        rate(move |n| {
            let pool = pool.clone();
            async move { page!(&pool, n) }
        })
        .await
    }};
}

fn row(what: &str, any: f64, native: f64, unit: &str) {
    println!(
        "| {what} | Any {any:.0} {unit}, native {native:.0} {unit} ({:+.0} % native) |",
        100.0 * (native - any) / any
    );
}

fn main() {
    let url = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .expect("usage: drivers sqlite://PATH | postgres://URL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let db = boardroom::platform::db::connect(&url, Default::default())
            .await
            .unwrap();
        for sql in SEED {
            sqlx::query(sql).execute(&db).await.unwrap();
        }
        sqlx::query("ANALYZE").execute(&db).await.unwrap();
        let postgres = db.is_postgres();
        let name = if postgres { "PostgreSQL" } else { "SQLite" };

        let any_page = page_rate!(db);
        let any_invite = {
            let db = db.clone();
            rate(move |n| {
                let db = db.clone();
                async move { invite!(db.begin().await.unwrap(), "any", n) }
            })
            .await
        };

        let (native_page, native_invite) = if postgres {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .connect(&url)
                .await
                .unwrap();
            let page = page_rate!(pool);
            let invite_rate = rate(move |n| {
                let pool = pool.clone();
                async move { invite!(pool.begin().await.unwrap(), "native", n) }
            })
            .await;
            (page, invite_rate)
        } else {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
            let options = options
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .pragma("mmap_size", "268435456");
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .unwrap();
            let page = page_rate!(pool);
            // Writers take turns, as the app's `Db` makes them on SQLite.
            let door = Arc::new(tokio::sync::Mutex::new(()));
            let invite_rate = rate(move |n| {
                let (pool, door) = (pool.clone(), door.clone());
                async move {
                    let _turn = door.lock().await;
                    invite!(pool.begin().await.unwrap(), "native", n)
                }
            })
            .await;
            (page, invite_rate)
        };
        row(
            &format!("{name}: a 200-row page of 100,000 members, 16 at once"),
            any_page,
            native_page,
            "pages/s",
        );
        row(
            &format!("{name}: an invitation and its email, one transaction, 16 at once"),
            any_invite,
            native_invite,
            "commits/s",
        );
        db.close().await;
    });
}
