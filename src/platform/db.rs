//! One pool over SQLite or PostgreSQL, chosen by the URL's scheme. Queries use
//! `$N` placeholders and types both databases share (TEXT, BIGINT), so each is
//! written once.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::time::Duration;

pub type Db = sqlx::AnyPool;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// How many connections a pool holds, and how long a caller waits for one.
#[derive(Clone, Copy, Debug)]
pub struct PoolSize {
    /// Defaults to 8 for SQLite (one writer at a time) and 16 for PostgreSQL.
    pub max_connections: Option<u32>,
    pub acquire_timeout: Duration,
}

impl Default for PoolSize {
    fn default() -> Self {
        PoolSize {
            max_connections: None,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects and brings the schema up to date. A SQLite file and its folder are
/// created when missing.
pub async fn connect(url: &str, size: PoolSize) -> Result<Db, sqlx::Error> {
    install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite { prepare_sqlite(url)? } else { url.to_string() };
    let pool = AnyPoolOptions::new()
        .max_connections(size.max_connections.unwrap_or(if sqlite { 8 } else { 16 }))
        .acquire_timeout(size.acquire_timeout)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    use sqlx::Executor;
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    if sqlite {
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        SQLITE.run(&pool).await?;
    } else {
        POSTGRES.run(&pool).await?;
    }
    Ok(pool)
}

fn prepare_sqlite(url: &str) -> Result<String, sqlx::Error> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A write's outcome, with a unique-constraint clash (on either database)
/// turned into the error `clash` makes: how a taken name becomes a message
/// beside its field.
pub fn or_clash<T, E: From<sqlx::Error>>(result: Result<T, sqlx::Error>, clash: impl FnOnce() -> E) -> Result<T, E> {
    match result {
        Err(e) if is_unique_violation(&e) => Err(clash()),
        other => other.map_err(E::from),
    }
}

/// Whether `err` is a unique-constraint violation (on either database).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}
